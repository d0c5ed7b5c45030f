# A TLSGD relocation whose instructions are not the psABI's general-dynamic sequence (the lea
# writes %rsi, not %rdi, and no call follows): relaxing it would write wrong code, so the
# static linker must refuse it, naming object, section, offset and type.
  .globl _start
  .text
_start:
  nop
  data16 leaq x@tlsgd(%rip), %rsi
  movl $60, %eax
  syscall
  .section .tdata,"awT",@progbits
  .globl x
x:
  .long 5
