# Each relocation type's arithmetic, checked by the program itself: exit status 0 when
# every value is right, else the number of the first wrong check. Built with
# -Wa,-mrelax-relocations=no so `foo@GOTPCREL` stays R_X86_64_GOTPCREL (a real GOT entry).
# Built with relaxation on as well, the GOT loads become lea, `call *`/`jmp *` direct calls.
# (ld.lld rejects R_X86_64_TPOFF64 in a static link, so this one is checked on its own.)
        .section .data.obj,"aw",@progbits
        .globl obj
        .type obj,@object
        .size obj, 24
obj:    .zero 24
        .data
pc64:   .quad obj - .                   # R_X86_64_PC64
abs32:  .long obj                       # R_X86_64_32
        .p2align 3
tp64:   .quad tv@tpoff                  # R_X86_64_TPOFF64
size64: .quad obj@SIZE + 100            # R_X86_64_SIZE64 with an addend

        .section .tdata,"awT",@progbits
        .p2align 3
        .quad 1
tv:     .quad 1234

        .text
        .globl _start
_start:
        leaq obj(%rip), %rdx            # R_X86_64_PC32
        movl $1, %edi
        movl $obj@SIZE, %eax            # R_X86_64_SIZE32
        cmpl $24, %eax
        jne fail
        movl $2, %edi
        movq size64(%rip), %rax
        cmpq $124, %rax
        jne fail
        movl $3, %edi
        leaq pc64(%rip), %rcx
        movq (%rcx), %rax
        addq %rcx, %rax
        cmpq %rdx, %rax
        jne fail
        movl $4, %edi
        movl abs32(%rip), %eax
        cmpq %rdx, %rax
        jne fail
        movl $5, %edi
        movq $obj, %rax                 # R_X86_64_32S
        cmpq %rdx, %rax
        jne fail
        movl $6, %edi
        movq obj@GOTPCREL(%rip), %rax   # R_X86_64_GOTPCREL: through a GOT entry
        cmpq %rdx, %rax
        jne fail
        movl $7, %edi
        movq $tv@tpoff, %rax            # R_X86_64_TPOFF32, sign-extended
        cmpq tp64(%rip), %rax
        jne fail
        movl $8, %edi
        testq %rax, %rax                # variant II: TLS lies below the thread pointer
        jns fail
        movl $9, %edi
        andq $7, %rax                   # and keeps tv's 8-byte alignment
        jnz fail
        movl $10, %edi
        call *helper@GOTPCREL(%rip)     # (-mrelax-relocations=no: GOT) returns 77
        cmpl $77, %eax
        jne fail
        movl $11, %edi
        leaq back(%rip), %r12
        jmp *tail@GOTPCREL(%rip)        # (GOTPCRELX when relaxed: jmp tail; nop)
back:   cmpl $88, %eax
        jne fail
        xorl %edi, %edi
fail:   movl $60, %eax
        syscall

helper: movl $77, %eax
        ret
tail:   movl $88, %eax
        jmp *%r12
        .section .note.GNU-stack,"",@progbits
