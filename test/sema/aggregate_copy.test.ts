// Copying an array by value is one `memcpy` instruction whatever its length: analysis
// and code generation of test/repros/array_copy.zir (a [100000000]u8 copy) must not
// grow with the array (it used to unroll into 8-byte loads and stores: 153 s, 4.7 GB).

import { describe, expect, it } from 'vitest';
import type { AirFunction, AirInst } from '../../src/sema/air.js';
import { generateFunction as generateX86 } from '../../src/codegen/x86_64/codegen.js';
import { generateFunction as generateWasm } from '../../src/codegen/wasm/codegen.js';
import { airOf, analyzeProgram, emitProgram, walkAir, WASM, X86 } from './harness.js';

/** The repro, with the array's length as a parameter. */
function arrayCopy(len: number): string {
  return `@u8 = primitive(u8)
@u32 = primitive(u32)
@noreturn = primitive(noreturn)
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@start_ty = fntype([], @noreturn, cc=C)
@start_name = str("_start")
@start_export = export(@start_name, "entry")
@zero = int(0)
@big = int(${len})
@entry = fn(@start_ty, {
  %t = array_type(@big, @u8)
  %a = alloc(%t)
  %v = deref(%a)
  %r = ref(%v)
  %z = as(@u32, @zero)
  %bye = call(@proc_exit, [%z])
})
`;
}

function memcpys(f: AirFunction): Extract<AirInst, { op: 'memcpy' }>[] {
  return walkAir(f).filter((i): i is Extract<AirInst, { op: 'memcpy' }> => i.op === 'memcpy');
}

describe('aggregate copies', () => {
  for (const opts of [X86, WASM]) {
    const arch = opts.target.arch;
    it(`a deref of an array is one memcpy of its size, whatever the length [${arch}]`, () => {
      const counts = [16, 1_000_003].map((len) => {
        const p = analyzeProgram(arrayCopy(len), opts);
        expect(p.errors).toEqual([]);
        const f = airOf(p, 'entry');
        expect(memcpys(f).map((m) => m.len)).toEqual([len]);
        return f.insts.length;
      });
      expect(counts[1]).toBe(counts[0]);
      expect(counts[0]).toBeLessThan(20);
    });

    it(`the [100000000]u8 repro analyzes and generates a few bytes of code [${arch}]`, () => {
      const p = analyzeProgram(arrayCopy(100_000_000), opts);
      expect(p.errors).toEqual([]);
      const f = airOf(p, 'entry');
      expect(memcpys(f).map((m) => m.len)).toEqual([100_000_000]);
      const size = arch === 'wasm32' ? generateWasm(f).body.length : generateX86(f).code.length;
      expect(size).toBeLessThan(200);
    });

    it(`storing an undefined array makes no constant of its size and copies nothing [${arch}]`, () => {
      const p = analyzeProgram(
        arrayCopy(100_000_000).replace(
          '  %v = deref(%a)\n  %r = ref(%v)\n',
          '  %m = alloc_mut(%t)\n  %u = as(%t, @undefined)\n  %s = store(%m, %u)\n',
        ) + '@undefined = primitive(undefined)\n',
        opts,
      );
      expect(p.errors).toEqual([]);
      expect(memcpys(airOf(p, 'entry'))).toEqual([]);
      expect(p.bodies.get('entry')!.data.map((d) => d.bytes.length)).toEqual([]);
    });

    it(`zirc ir writes the copy back as the deref the source wrote [${arch}]`, () => {
      const text = emitProgram(analyzeProgram(arrayCopy(1_000_003), opts), opts);
      expect(text).toContain('= deref(%');
      expect(text).not.toContain('memcpy');
    });
  }
});
