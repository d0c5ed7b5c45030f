//! Test helper: disassembles raw x86-64 bytes with binutils' objdump (Intel syntax) and
//! returns one entry per instruction, so encoder tests can compare against a real tool.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Disassembled {
  offset: number;
  length: number;
  /** Mnemonic and operands with runs of spaces collapsed and `# comment` removed. */
  text: string;
}

export function disassemble(code: Uint8Array): Disassembled[] {
  const dir = mkdtempSync(join(tmpdir(), 'zirc-objdump-'));
  try {
    const file = join(dir, 'code.bin');
    writeFileSync(file, code);
    const out = execFileSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', '--insn-width=16', file], {
      encoding: 'utf8',
    });
    const result: Disassembled[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$/.exec(line);
      if (!m) continue;
      const text = m[3]!.replace(/\s*#.*$/, '').replace(/\s+/g, ' ').trim();
      result.push({ offset: parseInt(m[1]!, 16), length: m[2]!.trim().split(' ').length, text });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
