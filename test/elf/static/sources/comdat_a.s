# Two objects bring the same COMDAT group (signature `pick`); the first one's copy is kept.
        .section .text.pick,"axG",@progbits,pick,comdat
        .globl pick
pick:   movl $11, %eax
        ret
        .text
        .globl _start
_start: call pick
        movl %eax, %edi
        call other
        addl %eax, %edi
        movl $60, %eax
        syscall
        .section .note.GNU-stack,"",@progbits
