# An .eh_frame whose CIE gives its FDEs a datarel (0x3b) initial-location encoding, which
# neither clang nor gcc emits on x86-64: the linker must refuse to build .eh_frame_hdr
# from it, naming the object and the record, instead of writing a wrong table.
  .globl _start
  .text
_start:
  movl $60, %eax
  syscall
  .section .eh_frame,"a",@unwind
cie:
  .long cie_end - cie - 4
  .long 0
  .byte 1
  .asciz "zR"
  .byte 1, 0x78, 16, 1, 0x3b
  .p2align 3
cie_end:
fde:
  .long fde_end - fde - 4
  .long fde + 4 - cie
  .long _start
  .long 8
  .byte 0
  .p2align 3
fde_end:
