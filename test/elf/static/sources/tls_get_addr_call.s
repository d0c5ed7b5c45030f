# A direct call to __tls_get_addr that no TLSGD/TLSLD relocation introduces: with nobody
# defining it, this reference is an undefined symbol (the relaxed calls need no definition).
  .globl _start
  .text
_start:
  data16 leaq x@tlsgd(%rip), %rdi
  data16 data16 rex64 call __tls_get_addr@PLT
  call __tls_get_addr@PLT
  movl $60, %eax
  syscall
  .section .tdata,"awT",@progbits
x:
  .long 5
