//! The ZIR program of the hot-swap tests and benchmark (x86-64 only: it sleeps with the
//! nanosleep system call through `asm`). `_start` loops forever: it counts, calls
//! `@value` and prints `<counter> <value>` on a line, then sleeps `sleepMs`. A swap of
//! `@value` shows as a new value on a counter that keeps counting; a restart resets the
//! counter to 1. `fillers` extra functions, all reachable (each called once per loop
//! through a chain), make the program big without making it slow.

export interface HotProgramOptions {
  /** What `@value` returns. */
  value: number;
  /** Pause between two lines, in milliseconds. */
  sleepMs?: number;
  /** Extra reachable functions (the benchmark's program size). */
  fillers?: number;
  /** Text spliced into `_start`'s loop, before the sleep (an edit that cannot be swapped). */
  entryExtra?: string;
  /** Extra function decls after `@value` (new functions, removed ones). */
  extraDecls?: string;
  /** How `@value` computes its result; default `int(value)` (the body of a swap). */
  valueBody?: string;
}

const PRELUDE = `@void = primitive(void)
@noreturn = primitive(noreturn)
@u8 = primitive(u8)
@u32 = primitive(u32)
@usize = primitive(usize)
@zero = int(0)
@one = int(1)
@two = int(2)
@ten = int(10)
@twenty = int(20)
@ascii_zero = int(48)
@space = int(32)
@newline = int(10)
@nanosleep_nr = int(35)
@million = int(1000000)
@iovec = array_type(@two, @usize)
@buf_ty = array_type(@twenty, @u8)
@syscall = str("syscall")
@ret_rax = str("={rax}")
@rax = str("{rax}")
@rdi = str("{rdi}")
@rsi = str("{rsi}")
@rcx = str("rcx")
@r11 = str("r11")
@memory = str("memory")
@fd_write_ty = fntype([@u32, @usize, @usize, @usize], @u32, cc=C)
@fd_write = extern(@fd_write_ty, "fd_write", lib="wasi_snapshot_preview1")
@entry_ty = fntype([], @noreturn, cc=C)
@start_name = str("_start")
@start_export = export(@start_name, "entry")

; put(x, term) writes x in decimal, then the byte term.
@put_ty = fntype([@u32, @u8], @void)
@put = fn(@put_ty, {
  %x = arg("x")
  %term = arg("term")
  %buf = alloc_mut(@buf_ty)
  %pos = alloc_mut(@usize)
  %rest = alloc_mut(@u32)
  %init_rest = store(%rest, %x)
  %last = sub(@twenty, @one)
  %last_idx = as(@usize, %last)
  %set_pos = store(%pos, %last_idx)
  %term_ptr = elemptr(%buf, %last_idx)
  %put_term = store(%term_ptr, %term)
  %digits = block({
    %each = loop({
      %step = block({
        %v = deref(%rest)
        %d = mod_rem(%v, @ten)
        %q = div(%v, @ten)
        %keep = store(%rest, %q)
        %d8 = intcast(@u8, %d)
        %ch = add(%d8, @ascii_zero)
        %p = deref(%pos)
        %p1 = sub(%p, @one)
        %move = store(%pos, %p1)
        %slot = elemptr(%buf, %p1)
        %put_digit = store(%slot, %ch)
        %finished = cmp_eq(%q, @zero)
        %br = condbr(%finished, {
          %out = breakvoid("digits")
        }, {
          %again = breakvoid("step")
        })
      })
    })
  })
  %first = deref(%pos)
  %first_ptr = elemptr(%buf, %first)
  %first_addr = ptrtoint(%first_ptr)
  %count = sub(@twenty, %first)
  %iov = alloc_mut(@iovec)
  %iov_ptr = elemptr(%iov, @zero)
  %set_ptr = store(%iov_ptr, %first_addr)
  %iov_len = elemptr(%iov, @one)
  %set_len = store(%iov_len, %count)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @one)
  %written_addr = ptrtoint(%written)
  %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  %done = returnvoid()
})

; pause(ns) sleeps ns nanoseconds (ns < 1 s).
@pause_ty = fntype([@usize], @void)
@pause = fn(@pause_ty, {
  %ns = arg("ns")
  %ts = alloc_mut(@iovec)
  %sec_ptr = elemptr(%ts, @zero)
  %no_sec = as(@usize, @zero)
  %set_sec = store(%sec_ptr, %no_sec)
  %ns_ptr = elemptr(%ts, @one)
  %set_ns = store(%ns_ptr, %ns)
  %ts_addr = ptrtoint(%ts)
  %nr = as(@usize, @nanosleep_nr)
  %no_rem = as(@usize, @zero)
  %slept = asm(@syscall, @usize,
    volatile=1,
    output=@ret_rax,
    inputs=[@rax, @rdi, @rsi],
    clobbers=[@rcx, @r11, @memory],
    args=[%nr, %ts_addr, %no_rem])
  %done = returnvoid()
})

@value_ty = fntype([], @u32)
@step_ty = fntype([@u32], @u32)
`;

function fillerChain(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? `  %r = call(@filler${i + 1}, [%y])\n  %ret = return(%r)` : `  %ret = return(%y)`;
    parts.push(`@filler${i} = fn(@step_ty, {\n  %x = arg("x")\n  %y = addwrap(%x, @one)\n${next}\n})\n`);
  }
  return parts.join('');
}

/** The `@value` decl returning `value` (what an edit of the benchmark and tests rewrites). */
export function valueDecl(value: number, body?: string): string {
  const compute = body ?? `  %v = int(${value})\n  %c = as(@u32, %v)`;
  return `@value = fn(@value_ty, {\n${compute}\n  %ret = return(%c)\n})\n`;
}

/** The whole program. */
export function hotProgram(opts: HotProgramOptions): string {
  const fillers = opts.fillers ?? 0;
  const sleepNs = Math.round((opts.sleepMs ?? 5) * 1e6);
  const callFillers = fillers > 0 ? `        %f = call(@filler0, [%c])\n` : '';
  return `${PRELUDE}@sleep_ns = int(${sleepNs})
${valueDecl(opts.value, opts.valueBody)}${opts.extraDecls ?? ''}${fillerChain(fillers)}
@entry = fn(@entry_ty, {
  %counter = alloc_mut(@u32)
  %init = store(%counter, @zero)
  %all = block({
    %each = loop({
      %step = block({
        %c0 = deref(%counter)
        %c = add(%c0, @one)
        %keep = store(%counter, %c)
${callFillers}        %v = call(@value, [])
        %p1 = call(@put, [%c, @space])
        %p2 = call(@put, [%v, @newline])
${opts.entryExtra ?? ''}        %ns = as(@usize, @sleep_ns)
        %z = call(@pause, [%ns])
        %again = breakvoid("step")
      })
    })
  })
})
`;
}
