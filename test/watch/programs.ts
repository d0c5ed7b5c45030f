// ZIR programs for the watch process tests, on both targets (fd_write and proc_exit are
// WASI imports on wasm32 and built-in system calls on x86-64).

const PRELUDE = `@noreturn = primitive(noreturn)
@u32 = primitive(u32)
@usize = primitive(usize)
@zero = int(0)
@one = int(1)
@two = int(2)
@len = str("len")
@iovec = array_type(@two, @usize)
@fd_write_ty = fntype([@u32, @usize, @usize, @usize], @u32, cc=C)
@fd_write = extern(@fd_write_ty, "fd_write", lib="wasi_snapshot_preview1")
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@entry_ty = fntype([], @noreturn, cc=C)
@start_name = str("_start")
@start_export = export(@start_name, "entry")
`;

/** Prints `text` (ASCII, no quotes or backslashes), then exits with `status`. */
export function greetingProgram(text: string, status = 0): string {
  return `${PRELUDE}@greeting = str("${text}\\n")
@status_value = int(${status})
@entry = fn(@entry_ty, {
  %iov = alloc_mut(@iovec)
  %text_addr = ptrtoint(@greeting)
  %text_len_ptr = fieldptr(@greeting, @len)
  %text_len = deref(%text_len_ptr)
  %iov_ptr = elemptr(%iov, @zero)
  %set_ptr = store(%iov_ptr, %text_addr)
  %iov_len = elemptr(%iov, @one)
  %set_len = store(%iov_len, %text_len)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @one)
  %written_addr = ptrtoint(%written)
  %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  %status = as(@u32, @status_value)
  %bye = call(@proc_exit, [%status])
})
`;
}

/**
 * `n` functions f0..f(n-1), each adding 1 and calling the next; the program exits with
 * n mod 256. Large enough values of n make a first build that takes a while.
 */
export function chainProgram(n: number): string {
  const parts = [PRELUDE, '@step_ty = fntype([@u32], @u32)\n'];
  for (let i = 0; i < n - 1; i++) {
    parts.push(`@f${i} = fn(@step_ty, {
  %x = arg("x")
  %y = add(%x, @one)
  %r = call(@f${i + 1}, [%y])
  %ret = return(%r)
})
`);
  }
  parts.push(`@f${n - 1} = fn(@step_ty, {
  %x = arg("x")
  %y = add(%x, @one)
  %ret = return(%y)
})
@entry = fn(@entry_ty, {
  %start = as(@u32, @zero)
  %v = call(@f0, [%start])
  %bye = call(@proc_exit, [%v])
})
`);
  return parts.join('');
}

/** Runs forever (a loop with no way out), printing nothing. */
export function foreverProgram(): string {
  return `${PRELUDE}@entry = fn(@entry_ty, {
  %spin = loop({
    %tick = dbg_stmt()
  })
})
`;
}

/** Writes `line` (ASCII, no quotes or backslashes) plus a newline to stdout forever, as fast as it can. */
export function floodProgram(line: string): string {
  return `${PRELUDE}@line = str("${line}\\n")
@entry = fn(@entry_ty, {
  %iov = alloc_mut(@iovec)
  %text_addr = ptrtoint(@line)
  %text_len_ptr = fieldptr(@line, @len)
  %text_len = deref(%text_len_ptr)
  %iov_ptr = elemptr(%iov, @zero)
  %set_ptr = store(%iov_ptr, %text_addr)
  %iov_len = elemptr(%iov, @one)
  %set_len = store(%iov_len, %text_len)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @one)
  %written_addr = ptrtoint(%written)
  %spin = loop({
    %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  })
})
`;
}
