        .section .text.pick,"axG",@progbits,pick,comdat
        .globl pick
pick:   movl $22, %eax
        ret
        .text
        .globl other
other:  call pick
        ret
        .section .note.GNU-stack,"",@progbits
