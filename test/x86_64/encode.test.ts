import { describe, expect, it } from 'vitest';
import { Assembler, type Mem } from '../../src/codegen/x86_64/encode.js';
import { RAX, RBP, RBX, RCX, RDI, RDX, RSI, RSP, R8, R9, R11, R12, R13, R15 } from '../../src/codegen/x86_64/registers.js';
import { disassemble } from './objdump.js';

type Case = [expected: string, emit: (a: Assembler) => void];

const m = (base: number, disp = 0, index?: number, scale?: 1 | 2 | 4 | 8): Mem =>
  index === undefined ? { base, disp } : { base, disp, index, scale: scale ?? 1 };

const decl = { kind: 'decl', name: 'f' } as const;

const CASES: Case[] = [
  // mov register/register at every width, including registers that need REX
  ['mov rax,rbx', (a) => a.movRR(8, RAX, RBX)],
  ['mov r15,rax', (a) => a.movRR(8, R15, RAX)],
  ['mov r8d,r9d', (a) => a.movRR(4, R8, R9)],
  ['mov cx,dx', (a) => a.movRR(2, RCX, RDX)],
  ['mov al,bl', (a) => a.movRR(1, RAX, RBX)],
  ['mov sil,dil', (a) => a.movRR(1, RSI, RDI)],
  ['mov r8b,al', (a) => a.movRR(1, R8, RAX)],
  // mov immediates
  ['mov eax,0x2a', (a) => a.movRI(8, RAX, 42)],
  ['mov rax,0xffffffffffffffff', (a) => a.movRI(8, RAX, -1)],
  ['movabs r11,0x123456789abcdef0', (a) => a.movRI(8, R11, 0x123456789abcdef0n)],
  ['mov r9d,0xffffffff', (a) => a.movRI(4, R9, 0xffffffff)],
  ['mov dx,0x1234', (a) => a.movRI(2, RDX, 0x1234)],
  ['mov dil,0xff', (a) => a.movRI(1, RDI, 255)],
  ['mov r12b,0x7', (a) => a.movRI(1, R12, 7)],
  ['movabs rax,0x8000000000000000', (a) => a.movabs(RAX, 0x8000000000000000n)],
  // loads and stores, [base+disp] with rsp/rbp/r12/r13 special cases
  ['mov rax,QWORD PTR [rsp+0x8]', (a) => a.movRM(8, RAX, m(RSP, 8))],
  ['mov rax,QWORD PTR [rbp+0x0]', (a) => a.movRM(8, RAX, m(RBP, 0))],
  ['mov r13,QWORD PTR [r12]', (a) => a.movRM(8, R13, m(R12))],
  ['mov ecx,DWORD PTR [r13+0x0]', (a) => a.movRM(4, RCX, m(R13))],
  ['mov dx,WORD PTR [rbx-0x80]', (a) => a.movRM(2, RDX, m(RBX, -128))],
  ['mov sil,BYTE PTR [rdi+0x1000]', (a) => a.movRM(1, RSI, m(RDI, 0x1000))],
  ['mov QWORD PTR [rsp+0x12345],r15', (a) => a.movMR(8, m(RSP, 0x12345), R15)],
  ['mov DWORD PTR [rax],ebx', (a) => a.movMR(4, m(RAX), RBX)],
  ['mov WORD PTR [rax],r8w', (a) => a.movMR(2, m(RAX), R8)],
  ['mov BYTE PTR [rax],dil', (a) => a.movMR(1, m(RAX), RDI)],
  ['mov BYTE PTR [r9],al', (a) => a.movMR(1, m(R9), RAX)],
  ['mov QWORD PTR [rax+rbx*8+0x10],rcx', (a) => a.movMR(8, m(RAX, 16, RBX, 8), RCX)],
  ['mov rax,QWORD PTR [r12+r13*2]', (a) => a.movRM(8, RAX, m(R12, 0, R13, 2))],
  ['mov QWORD PTR [rsp],0xfffffffffffffffe', (a) => a.movMI(8, m(RSP), -2)],
  ['mov DWORD PTR [rbx+0x4],0x80000000', (a) => a.movMI(4, m(RBX, 4), 0x80000000)],
  ['mov WORD PTR [rbx],0xffff', (a) => a.movMI(2, m(RBX), 0xffff)],
  ['mov BYTE PTR [rbx],0x41', (a) => a.movMI(1, m(RBX), 0x41)],
  ['mov rax,QWORD PTR [rip+0x0]', (a) => a.movRM(8, RAX, { base: 'rip', disp: 0, reloc: { kind: 'got_rel32', target: decl } })],
  // movzx / movsx
  ['movzx eax,al', (a) => a.movzx(4, RAX, 1, RAX)],
  ['movzx eax,sil', (a) => a.movzx(4, RAX, 1, RSI)],
  ['movzx r8,WORD PTR [rdi]', (a) => a.movzx(8, R8, 2, m(RDI))],
  ['movsx rax,bl', (a) => a.movsx(8, RAX, 1, RBX)],
  ['movsx ecx,WORD PTR [rsp+0x2]', (a) => a.movsx(4, RCX, 2, m(RSP, 2))],
  ['movsxd rax,ecx', (a) => a.movsx(8, RAX, 4, RCX)],
  ['movsxd r9,DWORD PTR [r11]', (a) => a.movsx(8, R9, 4, m(R11))],
  // lea
  ['lea rax,[rsp+0x10]', (a) => a.lea(8, RAX, m(RSP, 16))],
  ['lea r11,[rdi+rsi*4-0x4]', (a) => a.lea(8, R11, m(RDI, -4, RSI, 4))],
  ['lea rdi,[rip+0x0]', (a) => a.lea(8, RDI, { base: 'rip', disp: 0, reloc: { kind: 'rel32', target: decl } })],
  // group-1 arithmetic
  ['add rax,rbx', (a) => a.alu('add', 8, RAX, RBX)],
  ['sub r8d,ecx', (a) => a.alu('sub', 4, R8, RCX)],
  ['and ax,dx', (a) => a.alu('and', 2, RAX, RDX)],
  ['or sil,al', (a) => a.alu('or', 1, RSI, RAX)],
  ['xor eax,eax', (a) => a.alu('xor', 4, RAX, RAX)],
  ['cmp rcx,QWORD PTR [rsp+0x8]', (a) => a.alu('cmp', 8, RCX, m(RSP, 8))],
  ['add QWORD PTR [rbx],r12', (a) => a.alu('add', 8, m(RBX), R12)],
  ['add rsp,0x8', (a) => a.alu('add', 8, RSP, { imm: 8 })],
  ['sub rsp,0x1000', (a) => a.alu('sub', 8, RSP, { imm: 0x1000 })],
  ['and rsp,0xfffffffffffffff0', (a) => a.alu('and', 8, RSP, { imm: -16 })],
  ['cmp eax,0xffffffff', (a) => a.alu('cmp', 4, RAX, { imm: 0xffffffff })],
  ['cmp r9w,0x1234', (a) => a.alu('cmp', 2, R9, { imm: 0x1234 })],
  ['cmp dil,0x80', (a) => a.alu('cmp', 1, RDI, { imm: 0x80 })],
  ['cmp BYTE PTR [rax],0x0', (a) => a.alu('cmp', 1, m(RAX), { imm: 0 })],
  ['test rax,rax', (a) => a.test(8, RAX, RAX)],
  ['test sil,sil', (a) => a.test(1, RSI, RSI)],
  ['test ecx,0x100', (a) => a.test(4, RCX, { imm: 0x100 })],
  // multiplication, division, unary
  ['imul rax,rcx', (a) => a.imulRR(8, RAX, RCX)],
  ['imul r8d,DWORD PTR [rsp]', (a) => a.imulRR(4, R8, m(RSP))],
  ['imul rax,rcx,0x18', (a) => a.imulRRI(8, RAX, RCX, 24)],
  ['imul rax,rcx,0x1000', (a) => a.imulRRI(8, RAX, RCX, 4096)],
  ['mul rcx', (a) => a.unary('mul', 8, RCX)],
  ['imul r11', (a) => a.unary('imul', 8, R11)],
  ['div rcx', (a) => a.unary('div', 8, RCX)],
  ['idiv ecx', (a) => a.unary('idiv', 4, RCX)],
  ['neg rax', (a) => a.unary('neg', 8, RAX)],
  ['not r15d', (a) => a.unary('not', 4, R15)],
  ['neg BYTE PTR [rdi]', (a) => a.unary('neg', 1, m(RDI))],
  ['inc rax', (a) => a.incDec('inc', 8, RAX)],
  ['dec DWORD PTR [rsp+0x4]', (a) => a.incDec('dec', 4, m(RSP, 4))],
  ['cqo', (a) => a.cqo()],
  ['cdq', (a) => a.cdq()],
  // shifts
  ['shl rax,cl', (a) => a.shift('shl', 8, RAX, 'cl')],
  ['shr r9d,cl', (a) => a.shift('shr', 4, R9, 'cl')],
  ['sar rax,0x38', (a) => a.shift('sar', 8, RAX, 56)],
  ['shl sil,0x3', (a) => a.shift('shl', 1, RSI, 3)],
  ['sar WORD PTR [rax],cl', (a) => a.shift('sar', 2, m(RAX), 'cl')],
  // setcc and cmov
  ['sete al', (a) => a.setcc('e', RAX)],
  ['setl dil', (a) => a.setcc('l', RDI)],
  ['setae r10b', (a) => a.setcc('ae', 10)],
  ['setg BYTE PTR [rsp]', (a) => a.setcc('g', m(RSP))],
  ['cmovne rax,rcx', (a) => a.cmov('ne', 8, RAX, RCX)],
  // calls, push/pop, misc
  ['call QWORD PTR [rip+0x0]', (a) => a.callIndirect({ base: 'rip', disp: 0, reloc: { kind: 'got_rel32', target: decl } })],
  ['call r11', (a) => a.callIndirect(R11)],
  ['call rax', (a) => a.callIndirect(RAX)],
  ['jmp r9', (a) => a.jmpIndirect(R9)],
  ['ret', (a) => a.ret()],
  ['push rbp', (a) => a.push(RBP)],
  ['push r12', (a) => a.push(R12)],
  ['pop r15', (a) => a.pop(R15)],
  ['pop rbx', (a) => a.pop(RBX)],
  ['push QWORD PTR [rsp+0x8]', (a) => a.pushMem(m(RSP, 8))],
  ['pop QWORD PTR [rax]', (a) => a.popMem(m(RAX))],
  ['push 0x7', (a) => a.pushImm(7)],
  ['push 0x12345', (a) => a.pushImm(0x12345)],
  ['xchg rax,rcx', (a) => a.xchgRR(8, RAX, RCX)],
  ['int3', (a) => a.int3()],
  ['ud2', (a) => a.ud2()],
  ['syscall', (a) => a.syscall()],
  ['nop', (a) => a.nop()],
  ['hlt', (a) => a.hlt()],
  ['leave', (a) => a.leave()],
  ['int 0x80', (a) => a.int(0x80)],
];

describe('the x86-64 encoder', () => {
  it('encodes every instruction form as objdump decodes it', () => {
    const a = new Assembler();
    const starts: number[] = [];
    for (const [, emit] of CASES) {
      starts.push(a.offset);
      emit(a);
    }
    const { code } = a.finish();
    const got = disassemble(code);
    const expected = CASES.map(([text], i) => ({ offset: starts[i], text }));
    expect(got.map((d) => ({ offset: d.offset, text: d.text }))).toEqual(expected);
  });

  it('resolves forward and backward rel32 jumps to labels', () => {
    const a = new Assembler();
    const top = a.newLabel();
    const end = a.newLabel();
    a.bind(top);
    a.nop();
    a.jcc('e', end); // at 1, 6 bytes
    a.jcc('l', top); // at 7
    a.jmp(top); // at 13, 5 bytes
    a.callLabel(end); // at 18
    a.bind(end); // at 23
    a.ret();
    const got = disassemble(a.finish().code).map((d) => d.text);
    expect(got).toEqual(['nop', 'je 0x17', 'jl 0x0', 'jmp 0x0', 'call 0x17', 'ret']);
  });

  it('points rip-relative label references at the label even with a trailing immediate', () => {
    const a = new Assembler();
    const data = a.newLabel();
    a.lea(8, RSI, { base: 'rip', disp: 0, label: data }); // 7 bytes
    a.movMI(4, { base: 'rip', disp: 0, label: data }, 5); // 10 bytes
    a.bind(data);
    const { code } = a.finish();
    const out = disassemble(code);
    expect(out[0]!.text).toBe('lea rsi,[rip+0xa]');
    expect(out[1]!.text).toBe('mov DWORD PTR [rip+0x0],0x5');
  });

  it('records relocations at the displacement field with the distance to the end of the instruction', () => {
    const a = new Assembler();
    a.nop();
    a.callIndirect({ base: 'rip', disp: 0, reloc: { kind: 'got_rel32', target: decl } });
    a.callRel32({ kind: 'runtime', name: 'panic_unreachable' });
    a.movMI(4, { base: 'rip', disp: 0, reloc: { kind: 'rel32', target: decl } }, 1);
    a.movabsReloc(RAX, decl, 8);
    const { relocs } = a.finish();
    expect(relocs).toEqual([
      { offset: 3, kind: 'got_rel32', target: decl, addend: -4 },
      { offset: 8, kind: 'rel32', target: { kind: 'runtime', name: 'panic_unreachable' }, addend: -4 },
      { offset: 14, kind: 'rel32', target: decl, addend: -8 },
      { offset: 24, kind: 'abs64', target: decl, addend: 8 },
    ]);
  });

  it('rejects operands that have no encoding', () => {
    const a = new Assembler();
    expect(() => a.movRM(8, RAX, m(RAX, 0, RSP, 1))).toThrow(/index/);
    expect(() => a.alu('add', 8, RAX, { imm: 0x80000000 })).toThrow(/does not fit/);
    expect(() => a.movMI(1, m(RAX), 256)).toThrow(/does not fit/);
  });
});
