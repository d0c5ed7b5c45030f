// The linker command lines clang, gcc and musl-gcc really pass on this machine (see
// captured_link_lines.ts) parse into the plan a static link needs: the startup objects,
// the program, the libc group and the closing objects in order, every -L directory, and
// the output flags. The static-PIE lines are refused with a message naming -pie.
import { describe, expect, it } from 'vitest';
import { parseLdArgs } from '../../../src/link/ld_args/parse_ld_args.js';
import { LdUsageError } from '../../../src/link/ld_args/plan.js';
import type { LdInput } from '../../../src/link/ld_args/plan.js';
import { CAPTURED_LINK_LINES } from './captured_link_lines.js';

/** An input as a short string: `crt1.o`, `-lc[g1,static]`, with the flags in force. */
function describeInput(input: LdInput): string {
  const name = input.kind === 'file' ? input.path.split('/').pop()! : `-l${input.exact ? ':' : ''}${input.name}`;
  const flags = [
    input.groupId !== null ? `g${input.groupId}` : null,
    input.staticOnly ? 'static' : null,
    input.asNeeded ? 'as-needed' : null,
    input.wholeArchive ? 'whole' : null,
  ].filter((f) => f !== null);
  return flags.length > 0 ? `${name}[${flags.join(',')}]` : name;
}

const clangDirs = [
  '/usr/bin/../lib/gcc/x86_64-linux-gnu/12',
  '/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../lib64',
  '/lib/x86_64-linux-gnu',
  '/lib/../lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/../lib64',
  '/lib',
  '/usr/lib',
];
const gccDirs = [
  '/usr/lib/gcc/x86_64-linux-gnu/12',
  '/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu',
  '/usr/lib/gcc/x86_64-linux-gnu/12/../../../../lib',
  '/lib/x86_64-linux-gnu',
  '/lib/../lib',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/../lib',
  '/usr/lib/gcc/x86_64-linux-gnu/12/../../..',
];

describe('clang -static command lines', () => {
  for (const name of ['clang_static', 'clang_static_lld', 'clang_musl']) {
    const line = CAPTURED_LINK_LINES[name]!;
    it(`parses ${line.driver}`, () => {
      const plan = parseLdArgs(line.argv);
      const object = line.argv.find((a) => a.startsWith('/tmp/hello-'))!.split('/').pop()!;
      expect(plan.inputs.map(describeInput)).toEqual([
        'crt1.o[static]',
        'crti.o[static]',
        'crtbeginT.o[static]',
        `${object}[static]`,
        '-lgcc[g1,static]',
        '-lgcc_eh[g1,static]',
        '-lc[g1,static]',
        'crtend.o[static]',
        'crtn.o[static]',
      ]);
      expect(plan.inputs[0]).toEqual({
        kind: 'file',
        path: '/lib/x86_64-linux-gnu/crt1.o',
        wholeArchive: false,
        asNeeded: false,
        staticOnly: true,
        groupId: null,
      });
      expect(plan.searchDirs).toEqual(clangDirs);
      expect(plan.output).toBe('hello');
      expect(plan.entry).toBeNull();
      expect(plan.buildId).toEqual({ kind: 'fast' });
      expect(plan.ehFrameHdr).toBe(true);
      expect(plan.hashStyle).toBe('both');
      expect(plan.link).toBe(true);
      expect(plan.warnings).toEqual([]);
    });
  }

  it('parses clang -static -nostdlib -nostartfiles: only the program object', () => {
    const plan = parseLdArgs(CAPTURED_LINK_LINES.clang_nostdlib!.argv);
    expect(plan.inputs.map(describeInput)).toEqual(['hello-509a5d.o[static]']);
    expect(plan.searchDirs).toEqual(clangDirs);
  });

  it('parses clang -static -Wl,--gc-sections,-z,relro,-z,now -s', () => {
    const plan = parseLdArgs(CAPTURED_LINK_LINES.clang_gc!.argv);
    expect(plan.gcSections).toBe(true);
    expect(plan.strip).toBe('all');
    expect(plan.z.relro).toBe(true);
    expect(plan.z.now).toBe(true);
    expect(plan.zKeywords).toEqual(['relro', 'now']);
    expect(plan.inputs).toHaveLength(9);
  });
});

describe('gcc -static command lines (the collect2 line)', () => {
  for (const name of ['gcc_static', 'gcc_static_lld']) {
    const line = CAPTURED_LINK_LINES[name]!;
    it(`parses ${line.driver}`, () => {
      const plan = parseLdArgs(line.argv);
      const object = line.argv.find((a) => a.startsWith('/tmp/cc') && a.endsWith('.o'))!.split('/').pop()!;
      // gcc puts --as-needed before -static, so every input has both.
      expect(plan.inputs.map(describeInput)).toEqual([
        'crt1.o[static,as-needed]',
        'crti.o[static,as-needed]',
        'crtbeginT.o[static,as-needed]',
        `${object}[static,as-needed]`,
        '-lgcc[g1,static,as-needed]',
        '-lgcc_eh[g1,static,as-needed]',
        '-lc[g1,static,as-needed]',
        'crtend.o[static,as-needed]',
        'crtn.o[static,as-needed]',
      ]);
      expect(plan.inputs[0]).toMatchObject({
        kind: 'file',
        path: '/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/crt1.o',
      });
      expect(plan.searchDirs).toEqual(gccDirs);
      expect(plan.output).toBe('hello');
      expect(plan.buildId).toEqual({ kind: 'fast' });
      expect(plan.ehFrameHdr).toBe(false);
      expect(plan.hashStyle).toBe('gnu');
      expect(plan.warnings).toEqual([]);
    });
  }

  it('parses x86_64-linux-musl-gcc -static: archives by path, -L DIR separate, -dynamic-linker ignored', () => {
    const plan = parseLdArgs(CAPTURED_LINK_LINES.musl_gcc!.argv);
    expect(plan.inputs.map(describeInput)).toEqual([
      'Scrt1.o[static]',
      'crti.o[static]',
      'crtbeginS.o[static]',
      'cc2qffnR.o[static]',
      'libgcc.a[g1,static]',
      'libgcc_eh.a[g1,static]',
      '-lc[g1,static]',
      'crtendS.o[static]',
      'crtn.o[static]',
    ]);
    expect(plan.searchDirs).toEqual(['/usr/lib/x86_64-linux-musl', '/usr/lib/gcc/x86_64-linux-gnu/12/.']);
    expect(plan.nostdlib).toBe(true);
    expect(plan.dynamicLinker).toBe('/lib/ld-musl-x86_64.so.1');
    expect(plan.buildId).toEqual({ kind: 'none' });
  });
});

describe('static-PIE command lines are refused', () => {
  for (const name of ['clang_static_pie', 'gcc_static_pie']) {
    const line = CAPTURED_LINK_LINES[name]!;
    it(`refuses ${line.driver}, naming -pie`, () => {
      expect(() => parseLdArgs(line.argv)).toThrow(LdUsageError);
      expect(() => parseLdArgs(line.argv)).toThrow('zirc ld: -pie: zirc ld makes static non-PIE executables only (give -no-pie)');
    });
  }

  it('accepts the same line once -no-pie follows', () => {
    const plan = parseLdArgs([...CAPTURED_LINK_LINES.gcc_static_pie!.argv, '-no-pie']);
    expect(plan.z.text).toBe(true);
    expect(plan.dynamicLinker).toBeNull();
  });
});
