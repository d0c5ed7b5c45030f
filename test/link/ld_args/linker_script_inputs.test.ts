// Input files that are GNU ld scripts standing in for a library (glibc's libm.a): GROUP and
// INPUT name the files to link, AS_NEEDED and OUTPUT_FORMAT change nothing for a static
// link, and anything else is an error message rather than a guess.
import { describe, expect, it } from 'vitest';
import { looksLikeLinkerScript, readLinkerScriptInputs } from '../../../src/link/ld_args/linker_script_inputs.js';

const GLIBC_LIBM = `/* GNU ld script
*/
OUTPUT_FORMAT(elf64-x86-64)
GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a /usr/lib/x86_64-linux-gnu/libmvec.a )
`;

describe('linker script inputs', () => {
  it('reads glibc\'s libm.a script as the two archives it groups', () => {
    expect(looksLikeLinkerScript(new TextEncoder().encode(GLIBC_LIBM))).toBe(true);
    expect(readLinkerScriptInputs(GLIBC_LIBM)).toEqual({ ok: true, files: ['/usr/lib/x86_64-linux-gnu/libm-2.36.a', '/usr/lib/x86_64-linux-gnu/libmvec.a'] });
  });

  it('takes INPUT and AS_NEEDED, comma-separated or not', () => {
    expect(readLinkerScriptInputs('INPUT(a.o, b.o) GROUP ( libc.a AS_NEEDED ( libx.a ) )')).toEqual({ ok: true, files: ['a.o', 'b.o', 'libc.a', 'libx.a'] });
  });

  it('does not take an object or an archive for a script', () => {
    expect(looksLikeLinkerScript(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBe(false);
    expect(looksLikeLinkerScript(new TextEncoder().encode('!<arch>\n'))).toBe(false);
  });

  it('refuses what it does not read: other commands, -l inside, unbalanced parentheses', () => {
    expect(readLinkerScriptInputs('SECTIONS { .text : { *(.text) } }')).toEqual({ ok: false, message: 'expected ( after SECTIONS' });
    expect(readLinkerScriptInputs('SEARCH_DIR(/x)')).toEqual({ ok: false, message: 'linker script command SEARCH_DIR is not supported (only GROUP and INPUT)' });
    expect(readLinkerScriptInputs('GROUP(-lc)')).toEqual({ ok: false, message: '-lc inside a linker script is not supported' });
    expect(readLinkerScriptInputs('GROUP(a.a')).toEqual({ ok: false, message: 'unclosed ( after GROUP' });
  });
});
