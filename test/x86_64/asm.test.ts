import { describe, expect, it } from 'vitest';
import type { DataAtom } from '../../src/sema/air.js';
import { checkAsmConstraints, encodeAsmInstruction, parseAsm } from '../../src/codegen/x86_64/asm.js';
import { Assembler } from '../../src/codegen/x86_64/encode.js';
import { FnBuilder, fnType, manyPtr, NORETURN, u32, u64, u8, usize, VOID } from './air_builder.js';
import { runProgram } from './harness.js';
import { disassemble } from './objdump.js';

function assemble(source: string): string[] {
  const parsed = parseAsm(source);
  if (!parsed.ok) throw new Error(parsed.message);
  const a = new Assembler();
  for (const i of parsed.instructions) encodeAsmInstruction(a, i);
  return disassemble(a.finish().code).map((d) => d.text);
}

describe('parseAsm (AT&T inline assembly)', () => {
  it('splits on newlines and semicolons and skips comments and blank lines', () => {
    const r = parseAsm('syscall\n  nop ; hlt\n\n# a comment\nint3 # trailing\nud2');
    expect(r.ok && r.instructions.map((i) => i.mnemonic)).toEqual(['syscall', 'nop', 'hlt', 'int3', 'ud2']);
  });

  it('encodes register, immediate and memory operands with and without size suffixes', () => {
    expect(
      assemble(
        [
          'movq $60, %rax', 'mov $-1, %rdi', 'movl $0x2a, %edi', 'mov %rsp, %rbp', 'movq 8(%rsp), %rsi', 'mov %eax, -4(%rbp)',
          'movb $1, (%rdi)', 'movw %ax, 2(%rbx,%rcx,2)', 'leaq 16(%rsp), %rdi', 'lea 0x10(%rip), %rsi', 'movabsq $0x1122334455667788, %r10',
          'addq $8, %rsp', 'subl %ecx, %eax', 'xor %eax, %eax', 'cmpb $0, (%rsi)', 'testq %rax, %rax', 'andq $-16, %rsp',
          'pushq %rbp', 'popq %r12', 'push $1', 'incl %ecx', 'decq 8(%rsp)', 'negq %rax', 'notl %edx', 'imulq %rcx, %rax',
          'imul $3, %rdx, %rax', 'shlq $4, %rax', 'sarl %cl, %edx', 'shr %rdi', 'mulq %rcx', 'divq %rcx', 'idivl %ecx',
          'movzbl %al, %eax', 'movsbq (%rdi), %rax', 'movslq %ecx, %rdx', 'movzwl 2(%rsp), %r8d', 'xchg %rax, %rdx',
          'call *%rax', 'jmp *%r11', 'int $0x80', 'cqto', 'cltd', 'pause', 'cpuid', 'rdtsc', 'leave', 'ret',
        ].join('\n'),
      ),
    ).toEqual([
      'mov eax,0x3c', 'mov rdi,0xffffffffffffffff', 'mov edi,0x2a', 'mov rbp,rsp', 'mov rsi,QWORD PTR [rsp+0x8]',
      'mov DWORD PTR [rbp-0x4],eax', 'mov BYTE PTR [rdi],0x1', 'mov WORD PTR [rbx+rcx*2+0x2],ax', 'lea rdi,[rsp+0x10]',
      'lea rsi,[rip+0x10]', 'movabs r10,0x1122334455667788', 'add rsp,0x8', 'sub eax,ecx', 'xor eax,eax',
      'cmp BYTE PTR [rsi],0x0', 'test rax,rax', 'and rsp,0xfffffffffffffff0', 'push rbp', 'pop r12', 'push 0x1', 'inc ecx',
      'dec QWORD PTR [rsp+0x8]', 'neg rax', 'not edx', 'imul rax,rcx', 'imul rax,rdx,0x3', 'shl rax,0x4', 'sar edx,cl',
      'shr rdi,0x1', 'mul rcx', 'div rcx', 'idiv ecx', 'movzx eax,al', 'movsx rax,BYTE PTR [rdi]', 'movsxd rdx,ecx',
      'movzx r8d,WORD PTR [rsp+0x2]', 'xchg rdx,rax', 'call rax', 'jmp r11', 'int 0x80', 'cqo', 'cdq', 'pause', 'cpuid',
      'rdtsc', 'leave', 'ret',
    ]);
  });

  it.each([
    ['foo %eax', 'foo %eax'],
    ['movq %eax, %rbx', 'movq %eax, %rbx'],
    ['mov $1, (%rax)', 'mov $1, (%rax)'],
    ['mov %ah, %al', 'mov %ah, %al'],
    ['syscall %rax', 'syscall %rax'],
    ['nop; jmp label', 'jmp label'],
    ['lea %rax, %rbx', 'lea %rax, %rbx'],
    ['movb $300, %al', 'movb $300, %al'],
    ['addq $0x80000000, %rax', 'addq $0x80000000, %rax'],
    ['mov (%rax,%rsp), %rbx', 'mov (%rax,%rsp), %rbx'],
  ])('rejects %j naming the instruction', (source, named) => {
    expect(parseAsm(source)).toEqual({ ok: false, message: `unsupported instruction in inline assembly: '${named}'` });
  });
});

describe('checkAsmConstraints', () => {
  it('accepts the constraints of spec §6', () => {
    expect(checkAsmConstraints('={rax}', ['{rax}', '{rdi}', '{esi}'], ['rcx', 'r11', 'memory', 'cc', '%rbx', '{r12}'])).toBeNull();
    expect(checkAsmConstraints(null, [], [])).toBeNull();
  });

  it.each([
    ['={foo}', [], [], "invalid output constraint in inline assembly: '={foo}'"],
    ['{rax}', [], [], "invalid output constraint in inline assembly: '{rax}'"],
    [null, ['rdi'], [], "invalid input constraint in inline assembly: 'rdi'"],
    [null, ['{rdi}', '{edi}'], [], "register used by two inputs in inline assembly: '{edi}'"],
    [null, [], ['flags'], "invalid clobber in inline assembly: 'flags'"],
  ] as const)('rejects output %j inputs %j clobbers %j', (output, inputs, clobbers, message) => {
    expect(checkAsmConstraints(output, inputs, clobbers)).toBe(message);
  });
});

describe('inline assembly in generated code', () => {
  it('keeps the frame pointer when the assembly overwrites rbp', () => {
    const ty = fnType([u64], u64);
    const f = new FnBuilder('f', ty);
    const x = f.arg(0);
    const slot = f.alloc(u64);
    f.store(slot, x);
    f.asm(VOID, 'xor %ebp, %ebp', { clobbers: ['rbp'] });
    f.ret(f.bin('add', u64, f.load(u64, slot), x));
    const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    e.exit(e.intcast(u32, e.callDecl('f', ty, [e.int(u64, 21)])));
    expect(runProgram({ functions: [e.build(), f.build()], entry: 'entry' }).status).toBe(42);
  });

  it('an asm of type noreturn ends the function (exit through syscall)', () => {
    const b = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    b.asm(NORETURN, 'mov $60, %eax; syscall', { inputs: ['{rdi}'], clobbers: ['rcx', 'r11'], args: [b.int(usize, 9)] });
    expect(runProgram({ functions: [b.build()], entry: 'entry' }).status).toBe(9);
  });

  it('runs the hello_asm case: a naked _start writing with syscalls', () => {
    const text = new TextEncoder().encode('Greetings from ZIR\n');
    const atom: DataAtom = { name: 'greeting', bytes: text, align: 1, relocs: [], section: 'rodata' };
    const b = new FnBuilder('entry', fnType([], NORETURN, 'Naked'));
    const addr = b.ptrtoint(b.addr(manyPtr(u8, false), { kind: 'decl', name: 'greeting' }));
    const clobbers = ['rcx', 'r11', 'memory'];
    b.asm(usize, 'syscall', { output: '={rax}', inputs: ['{rax}', '{rdi}', '{rsi}', '{rdx}'], clobbers,
      args: [b.int(usize, 1), b.int(usize, 1), addr, b.int(usize, text.length)] });
    b.asm(usize, 'syscall', { output: '={rax}', inputs: ['{rax}', '{rdi}'], clobbers, args: [b.int(usize, 231), b.int(usize, 42)] });
    b.unreachable(true);
    const r = runProgram({ functions: [b.build()], data: [atom], entry: 'entry' });
    expect(r.stdout).toBe('Greetings from ZIR\n');
    expect(r.status).toBe(42);
  });

  it('feeds inputs that sit in each other\'s registers, takes the output, and respects clobbers', () => {
    // f(a, b) = asm("sub %rsi, %rdi; mov %rdi, %rax; mov $7, %rbx; mov $9, %r12", inputs {rsi}=a, {rdi}=b) + a*1000 + b
    const ty = fnType([u64, u64], u64);
    const f = new FnBuilder('f', ty);
    const a = f.arg(0); // arrives in rdi
    const b = f.arg(1); // arrives in rsi
    const keep = f.bin('mul', u64, a, f.int(u64, 1000));
    const out = f.asm(u64, 'sub %rsi, %rdi; mov %rdi, %rax; mov $7, %rbx; mov $9, %r12', {
      output: '={rax}', inputs: ['{rsi}', '{rdi}'], clobbers: ['rbx', 'r12'], args: [a, b],
    });
    f.ret(f.bin('add', u64, f.bin('add', u64, out, keep), b));
    const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    const k = e.bin('add', u64, e.int(u64, 2), e.int(u64, 3)); // lives in a callee-saved register across the call
    const r = e.callDecl('f', ty, [e.int(u64, 3), e.int(u64, 50)]);
    e.exit(e.intcast(u32, e.bin('sub', u64, e.bin('add', u64, r, k), e.int(u64, 3005))));
    const res = runProgram({ functions: [e.build(), f.build()], entry: 'entry' });
    // (50 - 3) + 3000 + 50 - 3000 = 97
    expect(res.status).toBe(97);
  });
});
