import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import type { AirFunction, AirInst } from '../../src/sema/air.js';
import { typeName } from '../../src/sema/types.js';
import { airOf, analyzeProgram, walkAir, WASM, X86 } from './harness.js';

function caseSource(file: string, update = 0): string {
  const c = parseCaseFile(readFileSync(new URL(`../cases/${file}`, import.meta.url), 'utf8'));
  return c.updates[update]!.source;
}

function ops(f: AirFunction): string[] {
  return walkAir(f).map((i) => i.op);
}

/** Every body ends with a noreturn instruction, except loop bodies (air.ts guarantee). */
function checkBodiesTerminate(f: AirFunction): void {
  const check = (refs: number[], isLoop: boolean) => {
    if (!isLoop) expect(f.insts[refs[refs.length - 1]!]!.type.kind).toBe('noreturn');
    for (const r of refs) {
      const i = f.insts[r]!;
      expect(i.op).not.toBe('const');
      if (i.op === 'block') check(i.body, false);
      if (i.op === 'loop') check(i.body, true);
      if (i.op === 'condbr') {
        check(i.then, false);
        check(i.else, false);
      }
    }
  };
  check(f.body, false);
}

/** Binary operands have one type; runtime values are scalars. */
function checkOperandTypes(f: AirFunction): void {
  for (const i of f.insts) {
    if ('lhs' in i && 'rhs' in i) {
      const inst = i as AirInst & { lhs: number; rhs: number };
      expect(typeName(f.insts[inst.lhs]!.type)).toBe(typeName(f.insts[inst.rhs]!.type));
    }
    if (i.type.kind === 'pointer') expect(i.type.size).not.toBe('slice');
  }
}

describe('AIR of print_numbers', () => {
  for (const opts of [X86, WASM]) {
    const p = analyzeProgram(caseSource('print_numbers.case'), opts);
    it(`has no errors and three functions [${opts.target.arch}]`, () => {
      expect(p.errors).toEqual([]);
      expect([...p.bodies.keys()].sort()).toEqual(['entry', 'print_line', 'write']);
    });
    it(`lowers mod_rem with a runtime operand to a safe rem, and intcast is safe [${opts.target.arch}]`, () => {
      const f = airOf(p, 'print_line');
      const rem = walkAir(f).find((i) => i.op === 'rem');
      expect(rem).toMatchObject({ op: 'rem', safe: true });
      expect(typeName(rem!.type)).toBe('u32');
      const cast = walkAir(f).find((i) => i.op === 'intcast');
      expect(cast).toMatchObject({ op: 'intcast', safe: true });
      expect(typeName(cast!.type)).toBe('u8');
    });
    it(`folds comptime arithmetic: sub(@twenty, @one) becomes a constant [${opts.target.arch}]`, () => {
      const f = airOf(p, 'print_line');
      const subs = walkAir(f).filter((i) => i.op === 'sub');
      // only the two runtime subtractions remain: %p1 = sub(%p, @one) and %count = sub(@twenty, %first)
      expect(subs.length).toBe(2);
      const stores = walkAir(f).filter((i) => i.op === 'store');
      const setPos = stores[2]!;
      expect(setPos.op === 'store' && f.insts[setPos.value]).toMatchObject({ op: 'const', value: { kind: 'imm', value: 19n } });
    });
    it(`gives bodies terminators, a retvoid to void functions, and block/loop structure [${opts.target.arch}]`, () => {
      for (const name of ['entry', 'print_line', 'write']) {
        const f = airOf(p, name);
        checkBodiesTerminate(f);
        checkOperandTypes(f);
      }
      expect(ops(airOf(p, 'write')).at(-1)).toBe('retvoid');
      expect(ops(airOf(p, 'entry'))).toEqual(
        expect.arrayContaining(['alloc', 'store', 'block', 'loop', 'load', 'call', 'add', 'cmp', 'condbr', 'br']),
      );
    });
    it(`makes direct calls through const addr callees, extern for WASI functions [${opts.target.arch}]`, () => {
      const f = airOf(p, 'write');
      const call = walkAir(f).find((i) => i.op === 'call')!;
      expect(call.op).toBe('call');
      if (call.op !== 'call') return;
      expect(f.insts[call.callee]).toMatchObject({
        op: 'const',
        value: { kind: 'addr', target: { kind: 'extern', name: 'fd_write', lib: 'wasi_snapshot_preview1' } },
      });
      expect(call.args.length).toBe(4);
      const g = airOf(p, 'print_line');
      const direct = walkAir(g).find((i) => i.op === 'call')!;
      if (direct.op !== 'call') return;
      expect(g.insts[direct.callee]).toMatchObject({ op: 'const', value: { kind: 'addr', target: { kind: 'decl', name: 'write' } } });
    });
    it(`emits args first, in order [${opts.target.arch}]`, () => {
      const f = airOf(p, 'write');
      expect(f.body.slice(0, 2).map((r) => f.insts[r])).toMatchObject([
        { op: 'arg', index: 0, name: 'addr' },
        { op: 'arg', index: 1, name: 'len' },
      ]);
    });
    it(`elemptr on an alloc'd array has the element size of the target [${opts.target.arch}]`, () => {
      const f = airOf(p, 'write');
      const e = walkAir(f).find((i) => i.op === 'elemptr')!;
      expect(e).toMatchObject({ op: 'elemptr', elemSize: opts.target.ptrBytes });
      expect(typeName(e.type)).toBe('*usize');
    });
  }
});

describe('AIR of hello_asm', () => {
  const p = analyzeProgram(caseSource('hello_asm.case'), X86);
  it('folds deref(fieldptr(@greeting, @len)) to a comptime length and passes it to asm as a usize const', () => {
    expect(p.errors).toEqual([]);
    const f = airOf(p, 'entry');
    const asms = walkAir(f).filter((i) => i.op === 'asm');
    expect(asms.length).toBe(2);
    const first = asms[0]!;
    if (first.op !== 'asm') return;
    expect(first).toMatchObject({
      source: 'syscall',
      isVolatile: true,
      output: '={rax}',
      inputs: ['{rax}', '{rdi}', '{rsi}', '{rdx}'],
      clobbers: ['rcx', 'r11', 'memory'],
    });
    const len = f.insts[first.args[3]!]!;
    expect(len).toMatchObject({ op: 'const', value: { kind: 'imm', value: 19n } });
    expect(typeName(len.type)).toBe('usize');
  });
  it('lowers ptrtoint of the string to a const addr of its anonymous atom', () => {
    const f = airOf(p, 'entry');
    const pti = walkAir(f).find((i) => i.op === 'ptrtoint')!;
    if (pti.op !== 'ptrtoint') throw new Error();
    expect(f.insts[pti.operand]).toMatchObject({ op: 'const', value: { kind: 'addr', target: { kind: 'decl', name: 'greeting(anon 0)' }, offset: 0 } });
    const atom = p.values.get('greeting')!.data[0]!;
    expect(atom).toMatchObject({ name: 'greeting(anon 0)', align: 1, section: 'rodata' });
    expect(Buffer.from(atom.bytes).toString('latin1')).toBe('Greetings from ZIR\n\0');
  });
  it('ends the naked entry with a safe unreachable', () => {
    const f = airOf(p, 'entry');
    expect(f.insts[f.body.at(-1)!]).toMatchObject({ op: 'unreachable', safe: true });
  });
  it('rejects inline assembly on wasm32', () => {
    const w = analyzeProgram(caseSource('hello_asm.case'), WASM);
    expect(w.errors.map((e) => e.message)).toEqual(['inline assembly is not supported on wasm32']);
  });
});

describe('AIR of safety', () => {
  it('marks add as safe in safe modes and unsafe in ReleaseFast; addwrap never checks', () => {
    const safe = analyzeProgram(caseSource('safety.case', 1), X86);
    expect(walkAir(airOf(safe, 'inc')).find((i) => i.op === 'add')).toMatchObject({ safe: true });
    const fast = analyzeProgram(caseSource('safety.case', 1), { ...X86, safety: false });
    expect(walkAir(airOf(fast, 'inc')).find((i) => i.op === 'add')).toMatchObject({ safe: false });
    const wrap = analyzeProgram(caseSource('safety.case', 2), X86);
    expect(ops(airOf(wrap, 'inc'))).toEqual(['arg', 'addwrap', 'ret']);
  });
  it('widens a runtime u8 to u32 with an unchecked intcast', () => {
    const wrap = analyzeProgram(caseSource('safety.case', 2), X86);
    const cast = walkAir(airOf(wrap, 'entry')).find((i) => i.op === 'intcast');
    expect(cast).toMatchObject({ op: 'intcast', safe: false });
    expect(typeName(cast!.type)).toBe('u32');
  });
});
