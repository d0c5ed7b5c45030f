import { describe, expect, it } from 'vitest';
import { typeName } from '../../src/sema/types.js';
import { airOf, analyzeProgram, walkAir, X86, WASM } from './harness.js';
import { entryProgram } from './programs.js';

function entryAir(body: string, extra = '', opts = X86) {
  const p = analyzeProgram(entryProgram(body, extra), opts);
  expect(p.errors.map((e) => e.line)).toEqual([]);
  return airOf(p, 'entry');
}

const opsOf = (body: string, extra = '', opts = X86) => walkAir(entryAir(body, extra, opts)).map((i) => i.op);

describe('function bodies to AIR', () => {
  it('a condbr on a comptime condition analyzes only the taken branch, inline', () => {
    const ops = opsOf(
      '  %c = cmp_lt(@one, @two)\n  %b = block({\n    %br = condbr(%c, {\n      %x = breakvoid("b")\n    }, {\n      %bad = compileerror("not taken")\n    })\n  })',
    );
    expect(ops).not.toContain('condbr');
    expect(ops).not.toContain('block');
  });
  it('a block whose body only breaks with a comptime value folds to that value', () => {
    const f = entryAir('  %b = block({\n    %r = break("b", @three)\n  })\n  %x = as(@u8, %b)\n  %s = alloc_mut(@u8)\n  %st = store(%s, %x)');
    const store = walkAir(f).find((i) => i.op === 'store')!;
    if (store.op !== 'store') throw new Error();
    expect(f.insts[store.value]).toMatchObject({ op: 'const', value: { kind: 'imm', value: 3n } });
    expect(walkAir(f).map((i) => i.op)).not.toContain('block');
  });
  it('a runtime block gets its result type from its breaks and a br at its end', () => {
    const f = entryAir(
      '  %s = alloc_mut(@u8)\n  %v = deref(%s)\n  %b = block({\n    %c = cmp_eq(%v, @one)\n    %br = condbr(%c, {\n      %r1 = break("b", %v)\n    }, {\n      %k = as(@u8, @two)\n      %r2 = break("b", %k)\n    })\n  })\n  %st = store(%s, %b)',
    );
    const block = walkAir(f).find((i) => i.op === 'block')!;
    expect(typeName(block.type)).toBe('u8');
    const brs = walkAir(f).filter((i) => i.op === 'br');
    expect(brs).toHaveLength(2);
    for (const br of brs) if (br.op === 'br') expect(br.operand).not.toBeNull();
  });
  it('a block that falls off its end leaves with void through an explicit br', () => {
    const f = entryAir('  %s = alloc_mut(@u8)\n  %b = block({\n    %st = store(%s, @one)\n  })');
    const block = walkAir(f).find((i) => i.op === 'block')!;
    if (block.op !== 'block') throw new Error();
    expect(typeName(block.type)).toBe('void');
    expect(f.insts[block.body.at(-1)!]).toMatchObject({ op: 'br', operand: null });
  });
  it('a runtime block cannot yield a comptime_int', () => {
    const p = analyzeProgram(
      entryProgram('  %s = alloc_mut(@bool)\n  %v = deref(%s)\n  %b = block({\n    %br = condbr(%v, {\n      %r1 = break("b", @one)\n    }, {\n      %r2 = break("b", @two)\n    })\n  })'),
      X86,
    );
    expect(p.errors.map((e) => e.message)).toEqual(["a block reached at runtime cannot yield a value of type 'comptime_int'"]);
  });
  it('block_flat yields its last instruction without an AIR block', () => {
    const f = entryAir('  %b = block_flat({\n    %x = as(@u8, @two)\n  })\n  %s = alloc_mut(@u8)\n  %st = store(%s, %b)');
    expect(walkAir(f).map((i) => i.op)).not.toContain('block');
  });
  it('ref of a runtime value is a stack slot and a store', () => {
    const f = entryAir('  %s = alloc_mut(@u32)\n  %v = deref(%s)\n  %r = ref(%v)\n  %a = ptrtoint(%r)');
    const ops = walkAir(f).map((i) => i.op);
    expect(ops.slice(0, 5)).toEqual(['alloc', 'load', 'alloc', 'store', 'ptrtoint']);
    const slot = walkAir(f)[2]!;
    expect(typeName(slot.type)).toBe('*const u32');
  });
  it('elemptr through a pointer to a slice loads its ptr field first', () => {
    const extra = '@sl = const_slice_type(@u8)\n@msg = str("hey")\n';
    const f = entryAir('  %s = alloc_mut(@sl)\n  %st = as(@sl, @msg)\n  %init = store(%s, %st)\n  %e = elemptr(%s, @one)\n  %v = deref(%e)\n  %w = as(@u32, %v)', extra);
    const ops = walkAir(f).map((i) => i.op);
    expect(ops).toEqual(['alloc', 'offsetptr', 'store', 'offsetptr', 'store', 'offsetptr', 'load', 'elemptr', 'load', 'intcast', 'call']);
    const lenField = walkAir(f)[3]!;
    expect(lenField).toMatchObject({ op: 'offsetptr', offset: 8 });
    const w = analyzeProgram(entryProgram('  %s = alloc_mut(@sl)\n  %st = as(@sl, @msg)\n  %init = store(%s, %st)', extra), WASM);
    expect(walkAir(airOf(w, 'entry'))[3]).toMatchObject({ op: 'offsetptr', offset: 4 });
  });
  it('fieldptr len/ptr of a slice in memory are offsetptrs of the right types', () => {
    const extra = '@sl = const_slice_type(@u8)\n@len = str("len")\n@ptr = str("ptr")\n';
    const f = entryAir('  %s = alloc_mut(@sl)\n  %l = fieldptr(%s, @len)\n  %p = fieldptr(%s, @ptr)\n  %lv = deref(%l)\n  %pv = deref(%p)', extra);
    const fields = walkAir(f).filter((i) => i.op === 'offsetptr');
    expect(fields.map((i) => typeName(i.type))).toEqual(['*usize', '*[*]const u8']);
  });
  it('a runtime pointer to an array coerces to a many-pointer with a bitcast, and mut to const for free', () => {
    const extra = '@arr = array_type(@three, @u8)\n@mp = many_const_ptr_type(@u8)\n@cp = single_const_ptr_type(@arr)\n';
    const f = entryAir('  %a = alloc_mut(@arr)\n  %m = as(@mp, %a)\n  %c = as(@cp, %a)\n  %x = ptrtoint(%m)\n  %y = ptrtoint(%c)', extra);
    const ops = walkAir(f).map((i) => i.op);
    expect(ops.filter((o) => o === 'bitcast')).toHaveLength(1);
  });
  it('comptime operands of runtime arithmetic are coerced to the runtime type', () => {
    const f = entryAir('  %s = alloc_mut(@u16)\n  %v = deref(%s)\n  %x = add(%v, @big)\n  %y = shl(%x, @one)');
    for (const i of walkAir(f)) {
      if (i.op === 'add' || i.op === 'shl') {
        expect(typeName(f.insts[i.rhs]!.type)).toBe('u16');
        expect(i.safe).toBe(true);
      }
    }
  });
  it('runtime arithmetic rejects a comptime operand that does not fit', () => {
    const p = analyzeProgram(entryProgram('  %s = alloc_mut(@u8)\n  %v = deref(%s)\n  %x = add(%v, @big)'), X86);
    expect(p.errors.map((e) => e.message)).toEqual(["type 'u8' cannot represent integer value 300"]);
  });
  it('loops may fall off their end and are left by a break to an outer block', () => {
    const f = entryAir(
      '  %out = block({\n    %l = loop({\n      %s = alloc_mut(@bool)\n      %v = deref(%s)\n      %c = condbr(%v, {\n        %b = breakvoid("out")\n      }, {\n        %n = dbg_stmt()\n        %k = breakvoid("out")\n      })\n    })\n  })',
    );
    const loop = walkAir(f).find((i) => i.op === 'loop')!;
    if (loop.op !== 'loop') throw new Error();
    expect(f.insts[loop.body.at(-1)!]!.op).toBe('condbr');
    expect(typeName(walkAir(f).find((i) => i.op === 'block')!.type)).toBe('void');
  });
  it('breaking to a loop by name is an error', () => {
    const p = analyzeProgram(entryProgram('  %l = loop({\n    %b = breakvoid("l")\n  })'), X86);
    expect(p.errors.map((e) => e.message)).toEqual(["cannot break from loop 'l'; break to an enclosing block"]);
  });
  it('calls coerce arguments to the parameter types', () => {
    const extra = '@f_ty = fntype([@u64, @bool], @u8)\n@f = fn(@f_ty, {\n  %a = arg("a")\n  %b = arg("b")\n  %r = return(@one)\n})\n';
    const p = analyzeProgram(entryProgram('  %s = alloc_mut(@u32)\n  %v = deref(%s)\n  %r = call(@f, [%v, @true])', extra), X86);
    expect(p.errors).toEqual([]);
    const f = airOf(p, 'entry');
    const call = walkAir(f).find((i) => i.op === 'call' && i.calleeType.params.length === 2)!;
    if (call.op !== 'call') throw new Error();
    expect(call.args.map((a) => typeName(f.insts[a]!.type))).toEqual(['u64', 'bool']);
    expect(f.insts[call.args[0]!]).toMatchObject({ op: 'intcast', safe: false });
    expect(typeName(call.type)).toBe('u8');
    const g = airOf(p, 'f');
    expect(g.insts[g.body.at(-1)!]).toMatchObject({ op: 'ret' });
  });
  it('unreach_nocheck is never checked; unreachable follows the safety option', () => {
    const withEnd = (end: string) =>
      entryProgram('').replace(/  %exit_code[^]*\n\}\)/, `  ${end}\n})`);
    const nocheck = analyzeProgram(withEnd('%u = unreach_nocheck()'), X86);
    expect(walkAir(airOf(nocheck, 'entry'))).toMatchObject([{ op: 'unreachable', safe: false }]);
    const checked = analyzeProgram(withEnd('%u = unreachable()'), X86);
    expect(walkAir(airOf(checked, 'entry'))).toMatchObject([{ op: 'unreachable', safe: true }]);
    const fast = analyzeProgram(withEnd('%u = unreachable()'), { ...X86, safety: false });
    expect(walkAir(airOf(fast, 'entry'))).toMatchObject([{ op: 'unreachable', safe: false }]);
  });
  it('a string made in a body becomes an anonymous constant of the function', () => {
    const p = analyzeProgram(entryProgram('  %s = str("in body")\n  %a = ptrtoint(%s)'), X86);
    expect(p.bodies.get('entry')!.data.map((d) => d.name)).toEqual(['entry(anon 0)']);
  });
});
