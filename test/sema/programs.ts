//! Small program builders for sema tests: a prelude of common decls and an exported
//! `_start` entry whose body the test writes.

export const PRELUDE = `@u8 = primitive(u8)
@i8 = primitive(i8)
@u16 = primitive(u16)
@u32 = primitive(u32)
@i32 = primitive(i32)
@u64 = primitive(u64)
@i64 = primitive(i64)
@usize = primitive(usize)
@bool = primitive(bool)
@void = primitive(void)
@noreturn = primitive(noreturn)
@true = primitive(true)
@false = primitive(false)
@zero = int(0)
@one = int(1)
@two = int(2)
@three = int(3)
@big = int(300)
@neg = int(-1)
@start_ty = fntype([], @noreturn, cc=C)
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@start_name = str("_start")
@start_export = export(@start_name, "entry")
`;

/** A program whose entry runs `body` (locals, one per line) and then exits. */
export function entryProgram(body: string, extraDecls = ''): string {
  return `${PRELUDE}${extraDecls}
@entry = fn(@start_ty, {
${body}
  %exit_code = as(@u32, @zero)
  %exit = call(@proc_exit, [%exit_code])
})
`;
}

/** A program with a decl `@probe = <inst>` referenced from the entry, for comptime checks. */
export function probeProgram(probeInst: string, extraDecls = ''): string {
  return `${PRELUDE}${extraDecls}
@probe = ${probeInst}
@entry = fn(@start_ty, {
  %p = typeof(@probe)
  %exit_code = as(@u32, @zero)
  %exit = call(@proc_exit, [%exit_code])
})
`;
}

/** Line and column (1-based) of the first occurrence of `needle` in `source`, plus `delta` bytes. */
export function positionOf(source: string, needle: string, delta = 0): string {
  const at = source.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' not in source`);
  const before = source.slice(0, at + delta);
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  return `${line}:${col}`;
}
