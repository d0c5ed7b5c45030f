# A TLSLD relocation followed by a call to something other than __tls_get_addr.
  .globl _start
  .text
_start:
  leaq x@tlsld(%rip), %rdi
  call other@PLT
  movl $60, %eax
  syscall
other:
  ret
  .section .tbss,"awT",@nobits
x:
  .zero 4
