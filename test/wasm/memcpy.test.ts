// `memcpy` (copying an aggregate by value) on wasm32: short copies unrolled into loads
// and stores, long ones with `memory.copy` (bulk memory), every size byte-exact.

import { describe, expect, test } from 'vitest';
import type { AirFunction, AirRef, DataAtom } from '../../src/sema/air.js';
import { generateFunction } from '../../src/codegen/wasm/codegen.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import { arrayOf, FnBuilder, fnType, onePtr, u8, usize, VOID } from './air_builder.js';
import { expectValidModule, instantiate, wasmToWat, type Harness, linkAndInstantiate } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const SIZES = [0, 1, 2, 3, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 1003, 70001];

function pattern(len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
}

function memcpy(b: FnBuilder, dst: AirRef, src: AirRef, len: number): AirRef {
  return b.emit({ op: 'memcpy', type: VOID, dst, src, len });
}

const link = linkAndInstantiate;

/** copy_<len>(src, dst): copies, then prints dst. */
function copyAndPrint(len: number): AirFunction {
  const arr = arrayOf(len, u8);
  const f = new FnBuilder(`copy_${len}`, fnType([onePtr(arr, false), onePtr(arr)], VOID));
  const src = f.arg(0);
  const dst = f.arg(1);
  memcpy(f, dst, src, len);
  f.write(1, f.ptrtoint(dst), f.int(usize, len));
  f.retvoid();
  return f.build();
}

describe('memcpy', () => {
  test('copies every size exactly, from a constant into the shadow stack, through pointer arguments', async () => {
    const data: DataAtom[] = SIZES.map((len) => ({ name: `pat_${len}`, bytes: pattern(len), align: 1, relocs: [], section: 'rodata' }));
    const e = new FnBuilder('entry', fnType([], VOID, 'C'));
    for (const len of SIZES) {
      const arr = arrayOf(len, u8);
      const dst = e.alloc(arr);
      const src = e.addr(onePtr(arr, false), { kind: 'decl', name: `pat_${len}` });
      e.callDecl(`copy_${len}`, fnType([onePtr(arr, false), onePtr(arr)], VOID), [src, dst]);
    }
    e.retvoid();
    const h = await link([e.build(), ...SIZES.map(copyAndPrint)], data);
    h.call('entry');
    const expected = Buffer.concat(SIZES.map((len) => Buffer.from(pattern(len)))).toString('latin1');
    expect(h.stdout.join('')).toBe(expected);
  });

  test('a long copy is one memory.copy whatever its length, a short one is loads and stores', () => {
    const wat = (len: number) => {
      const linker = openWasmLinker('/dev/null');
      linker.updateFunc(copyAndPrint(len));
      linker.updateExports([{ symbolName: `copy_${len}`, declName: `copy_${len}` }]);
      const bytes = linker.buildModule();
      linker.close();
      return wasmToWat(bytes);
    };
    expect(wat(65).match(/memory\.copy/g)).toHaveLength(1);
    expect(wat(64)).not.toContain('memory.copy');
    expect(wat(64).match(/i64\.store/g)).toHaveLength(8);
    const size = (len: number) => generateFunction(copyAndPrint(len)).body.length;
    expect(size(1_000_000_000) - size(65)).toBe(6); // the two i32.consts of the length grow, nothing else
  });
});
