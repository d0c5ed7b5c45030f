# DTPOFF64 and DTPOFF32 in data (as debug-like tables or hand-written code use them): in a
# static link they hold offsets from the thread pointer, as local-dynamic code relaxed to
# local-exec needs. No libc: the program only exits; the test reads .data.
  .globl _start
  .text
_start:
  movl $60, %eax
  xorl %edi, %edi
  syscall
  .data
  .quad a@dtpoff
  .quad b@dtpoff + 4
  .long a@dtpoff
  .long b@dtpoff
  .section .tdata,"awT",@progbits
a:
  .quad 1
  .section .tbss,"awT",@nobits
  .p2align 4
b:
  .zero 24
