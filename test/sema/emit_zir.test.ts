import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { analyzeProgram, emitProgram, normalizedProgram, WASM, X86 } from './harness.js';

const dir = new URL('../cases/', import.meta.url);

describe('zirc ir round trip: the emitted ZIR re-parses and re-analyzes to the same program', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.case'))) {
    const c = parseCaseFile(readFileSync(new URL(file, dir), 'utf8'));
    for (const target of c.targets) {
      const opts = target === 'wasm32-wasi' ? WASM : X86;
      c.updates.forEach((u, n) => {
        if (u.expectErrors.length > 0) return;
        it(`${file} [${target}] update ${n}: ${u.name}`, () => {
          const p = analyzeProgram(u.source, opts);
          expect(p.errors).toEqual([]);
          const text = emitProgram(p, opts);
          const again = analyzeProgram(text, opts);
          expect(again.errors.map((e) => e.line)).toEqual([]);
          expect(normalizedProgram(again)).toEqual(normalizedProgram(p));
          // Printing is a fixed point once constants have their decls.
          const text2 = emitProgram(again, opts);
          const text3 = emitProgram(analyzeProgram(text2, opts), opts);
          expect(text3).toEqual(text2);
        });
      });
    }
  }
});

describe('zirc ir text', () => {
  const src = `@u32 = primitive(u32)
@u8 = primitive(u8)
@noreturn = primitive(noreturn)
@seven = int(7)
@unused = int(99)
@exit_ty = fntype([@u32], @noreturn, cc=C)
@exit = extern(@exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@entry_ty = fntype([], @noreturn, cc=C)
@entry = fn(@entry_ty, {
  %msg = str("hi\\n\\x01")
  %addr = ptrtoint(%msg)
  %folded = add(@seven, @seven)
  %code = as(@u32, %folded)
  %slot = alloc_mut(@u32)
  %put = store(%slot, %code)
  %back = deref(%slot)
  %bye = call(@exit, [%back])
})
@name = str("_start")
@exp = export(@name, "entry")
`;
  it('prints folded constants as decls, renumbers locals, keeps required keywords, names body strings after their owner', () => {
    const p = analyzeProgram(src, X86);
    expect(p.errors).toEqual([]);
    expect(emitProgram(p, X86)).toBe(`@u32 = primitive(u32)
@noreturn = primitive(noreturn)
@seven = int(7)
@exit_ty = fntype([@u32], @noreturn, cc=C)
@exit = extern(@exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@entry_ty = fntype([], @noreturn, cc=C)
@entry = fn(@entry_ty, {
  %0 = ptrtoint(@entry__anon_0)
  %1 = alloc_mut(@u32)
  %2 = store(%1, @unnamed$1)
  %3 = deref(%1)
  %4 = call(@exit, [%3], modifier=auto)
})
@name = str("_start")
@exp = export(@name, "entry")
@entry__anon_0 = str("hi\\n\\x01")
@unnamed$0 = int(14)
@unnamed$1 = as(@u32, @unnamed$0)
`);
  });
});
