// The ZIR programs and C sources the tests of ZIR-and-C programs share, on both targets:
// a library exporting add3 (calling back into C), a C main calling it, and a program with
// its own _start calling an object's c_add and exiting with the result.

/** A ZIR library: `add3(x) = c_twice(x) + k`, exported, no entry point; `twice` names the extern. */
export function addThreeLibrary(k = 3, twice = 'c_twice'): string {
  return `@u32 = primitive(u32)
@k = int(${k})
@add3_ty = fntype([@u32], @u32, cc=C)
@twice_ty = fntype([@u32], @u32, cc=C)
@c_twice = extern(@twice_ty, "${twice}")
@add3 = fn(@add3_ty, {
  %x = arg("x")
  %t = call(@c_twice, [%x])
  %r = add(%t, @k)
  %ret = return(%r)
})
@add3_name = str("add3")
@add3_export = export(@add3_name, "add3")
`;
}

/** The C main for `addThreeLibrary()`: prints add3(20) and exits 7. */
export const ADD_THREE_MAIN_C = `#include <stdio.h>
unsigned add3(unsigned);
unsigned c_twice(unsigned x) { return 2 * x; }
int main(void) { printf("add3(c_twice(20)) = %u\\n", add3(20)); return 7; }
`;

/** A ZIR program with its own _start: exits with `extern`(a, b), or `extern`(`extern`(a, b), b) when `twice`. */
export function startProgram(a: number, b: number, twice = false, extern = 'c_add'): string {
  return `@noreturn = primitive(noreturn)
@u32 = primitive(u32)
@a = int(${a})
@b = int(${b})
@op_ty = fntype([@u32, @u32], @u32, cc=C)
@c_op = extern(@op_ty, "${extern}")
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@entry_ty = fntype([], @noreturn, cc=C)
@entry = fn(@entry_ty, {
  %x = as(@u32, @a)
  %y = as(@u32, @b)
  %s = call(@c_op, [%x, %y])
${twice ? '  %s2 = call(@c_op, [%s, %y])\n  %bye = call(@proc_exit, [%s2])' : '  %bye = call(@proc_exit, [%s])'}
})
@start_name = str("_start")
@start_export = export(@start_name, "entry")
`;
}

/** The C definition `startProgram` calls. */
export const C_ADD = 'unsigned c_add(unsigned a, unsigned b) { return a + b; }\n';
