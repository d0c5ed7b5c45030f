# General-dynamic TLS with no libc and no __tls_get_addr anywhere: the relaxed sequence no
# longer calls it, so the link needs no definition (as with ld.lld). Exits with x's offset
# from the thread pointer, computed without touching %fs.
  .globl _start
  .text
_start:
  data16 leaq x@tlsgd(%rip), %rdi
  data16 data16 rex64 call __tls_get_addr@PLT
  movl $60, %eax
  xorl %edi, %edi
  syscall
  .section .tdata,"awT",@progbits
x:
  .long 5
