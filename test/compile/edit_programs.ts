// A small program model for incremental tests: functions that use constants and call
// each other, rendered to ZIR with an entry that prints each function's result (in
// decimal, through fd_write) and exits with the last one; and edits on the model (body,
// constant, add, rename, delete, type change, break and fix, entry calls, growing a body
// past its room and shrinking it). Deterministic from a seed.

export interface FnModel {
  name: string;
  op: 'addwrap' | 'mulwrap' | 'xor' | 'subwrap';
  /** Constant it adds to its argument, by name. */
  constant: string;
  /** Function it calls with its result (always a later function: no recursion at runtime). */
  callee: string | null;
  /** Uses the C calling convention type instead of the default one. */
  ccC: boolean;
  /** A deliberate compile error in the body (a parse error for 'parse_error'). */
  broken: Broken;
  /** Further operations on the result, each with its constant: a body that grows and shrinks. */
  extra: Array<{ op: FnModel['op']; constant: string }>;
}

export type Broken = 'none' | 'compileerror' | 'missing_decl' | 'bad_int' | 'parse_error';
/** Errors of analysis: the update still analyzes everything else. */
const ANALYSIS_BREAKS: Exclude<Broken, 'none'>[] = ['compileerror', 'missing_decl', 'bad_int'];
/** Every kind, a parse error too (after which the last analysis stands, unlike a fresh build's, which has none). */
export const ALL_BREAKS: Exclude<Broken, 'none'>[] = [...ANALYSIS_BREAKS, 'parse_error'];

export interface ProgramModel {
  constants: Map<string, number>;
  fns: FnModel[];
  /** Functions the entry calls, in order. */
  entryCalls: string[];
  nextId: number;
}

export class Rng {
  constructor(private state: number) {}
  next(): number {
    // xorshift32
    let x = this.state | 0 || 1;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const OPS: FnModel['op'][] = ['addwrap', 'mulwrap', 'xor', 'subwrap'];

export function makeProgram(rng: Rng, fnCount: number, constCount: number): ProgramModel {
  const constants = new Map<string, number>();
  for (let i = 0; i < constCount; i++) constants.set(`c${i}`, rng.int(1000));
  const fns: FnModel[] = [];
  for (let i = 0; i < fnCount; i++) {
    fns.push({
      name: `f${i}`,
      op: rng.pick(OPS),
      constant: `c${rng.int(constCount)}`,
      callee: null,
      ccC: false,
      broken: 'none',
      extra: [],
    });
  }
  for (let i = 0; i < fnCount - 1; i++) if (rng.next() < 0.5) fns[i].callee = fns[i + 1 + rng.int(fnCount - i - 1)].name;
  const entryCalls = fns.filter(() => rng.next() < 0.5).map((f) => f.name);
  if (entryCalls.length === 0) entryCalls.push(fns[0].name);
  return { constants, fns, entryCalls, nextId: fnCount };
}

/** Decls every program has: types, `proc_exit`, and `print_line(x)`, which writes x in decimal and a newline. */
const PRELUDE = `; generated for incremental tests
@void = primitive(void)
@u8 = primitive(u8)
@u32 = primitive(u32)
@usize = primitive(usize)
@noreturn = primitive(noreturn)
@mask = int(255)
@big = int(300)
@fty = fntype([@u32], @u32)
@fty_c = fntype([@u32], @u32, cc=C)
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@pr_zero = int(0)
@pr_one = int(1)
@pr_two = int(2)
@pr_ten = int(10)
@pr_width = int(12)
@pr_ascii_zero = int(48)
@pr_newline = int(10)
@pr_iovec = array_type(@pr_two, @usize)
@pr_buf_ty = array_type(@pr_width, @u8)
@fd_write_ty = fntype([@u32, @usize, @usize, @usize], @u32, cc=C)
@fd_write = extern(@fd_write_ty, "fd_write", lib="wasi_snapshot_preview1")
@print_line_ty = fntype([@u32], @void)
@print_line = fn(@print_line_ty, {
  %x = arg("x")
  %buf = alloc_mut(@pr_buf_ty)
  %pos = alloc_mut(@usize)
  %rest = alloc_mut(@u32)
  %init_rest = store(%rest, %x)
  %last = sub(@pr_width, @pr_one)
  %last_idx = as(@usize, %last)
  %set_pos = store(%pos, %last_idx)
  %nl_ptr = elemptr(%buf, %last_idx)
  %put_nl = store(%nl_ptr, @pr_newline)
  %digits = block({
    %each = loop({
      %step = block({
        %v = deref(%rest)
        %d = mod_rem(%v, @pr_ten)
        %q = div(%v, @pr_ten)
        %keep = store(%rest, %q)
        %d8 = intcast(@u8, %d)
        %ch = add(%d8, @pr_ascii_zero)
        %p = deref(%pos)
        %p1 = sub(%p, @pr_one)
        %move = store(%pos, %p1)
        %slot = elemptr(%buf, %p1)
        %put = store(%slot, %ch)
        %finished = cmp_eq(%q, @pr_zero)
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
  %count = sub(@pr_width, %first)
  %iov = alloc_mut(@pr_iovec)
  %iov_ptr = elemptr(%iov, @pr_zero)
  %set_ptr = store(%iov_ptr, %first_addr)
  %iov_len = elemptr(%iov, @pr_one)
  %set_len = store(%iov_len, %count)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @pr_one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @pr_one)
  %written_addr = ptrtoint(%written)
  %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  %done = returnvoid()
})`;

export function renderProgram(m: ProgramModel): string {
  const out: string[] = [PRELUDE];
  for (const [name, value] of m.constants) out.push(`@${name} = int(${value})`);
  for (const f of m.fns) out.push(renderFn(f));
  out.push('@entry_ty = fntype([], @noreturn, cc=C)');
  const body = ['@entry = fn(@entry_ty, {', '  %v0 = as(@u32, @mask)'];
  m.entryCalls.forEach((name, i) => body.push(`  %v${i + 1} = call(@${name}, [%v${i}])`, `  %p${i + 1} = call(@print_line, [%v${i + 1}])`));
  body.push(`  %m = bitand(%v${m.entryCalls.length}, @mask)`, '  %bye = call(@proc_exit, [%m])', '})');
  out.push(body.join('\n'));
  out.push('@start_name = str("_start")', '@start_export = export(@start_name, "entry")');
  return out.join('\n') + '\n';
}

function renderFn(f: FnModel): string {
  const lines = [`@${f.name} = fn(${f.ccC ? '@fty_c' : '@fty'}, {`, '  %x = arg("x")'];
  if (f.broken === 'compileerror') lines.push('  %e = compileerror("broken on purpose")');
  else if (f.broken === 'missing_decl') lines.push('  %e = as(@u32, @no_such_decl)');
  else if (f.broken === 'bad_int') lines.push('  %e = as(@u8, @big)');
  else if (f.broken === 'parse_error') lines.push('  %e = as(@u32');
  lines.push(`  %k = as(@u32, @${f.constant})`, `  %y = ${f.op}(%x, %k)`);
  let result = '%y';
  f.extra.forEach((e, i) => {
    lines.push(`  %k${i} = as(@u32, @${e.constant})`, `  %y${i} = ${e.op}(${result}, %k${i})`);
    result = `%y${i}`;
  });
  if (f.callee) lines.push(`  %z = call(@${f.callee}, [${result}])`, '  %r = return(%z)');
  else lines.push(`  %r = return(${result})`);
  lines.push('})');
  return lines.join('\n');
}

/** Names of the functions the entry reaches, directly or through calls. */
export function reachableFns(m: ProgramModel): Set<string> {
  const byName = new Map(m.fns.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const stack = [...m.entryCalls];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const callee = byName.get(n)?.callee;
    if (callee) stack.push(callee);
  }
  return seen;
}

export type EditKind =
  | 'body'
  | 'constant'
  | 'add'
  | 'rename'
  | 'delete_unused'
  | 'type'
  | 'break'
  | 'fix'
  | 'entry'
  | 'grow'
  | 'shrink';

export const EDIT_KINDS: readonly EditKind[] = ['body', 'constant', 'add', 'rename', 'delete_unused', 'type', 'break', 'fix', 'entry', 'grow', 'shrink'];

/** Operations a 'grow' edit appends: enough to outgrow any room a linker leaves after a small body. */
export const GROW_BY = 40;

export interface EditOptions {
  /** The errors 'break' chooses from (default: all, parse errors included). */
  breaks?: readonly Exclude<Broken, 'none'>[];
  /** The function 'grow' grows, when the entry reaches it. */
  growFn?: string;
}

/** What an edit did: its kind and the function it changed (null for a constant or the entry). */
export interface EditDone {
  kind: EditKind;
  fn: string | null;
}

/**
 * Applies one random edit; returns what it did. Keeps the program valid except for
 * 'break', which makes an analysis error (never a parse error: callers compare the
 * analysis after every update with a fresh one's).
 */
export function randomEdit(m: ProgramModel, rng: Rng): EditKind {
  const kinds: EditKind[] = ['body', 'body', 'constant', 'constant', 'add', 'rename', 'delete_unused', 'type', 'break', 'fix', 'entry', 'grow', 'shrink'];
  const kind = rng.pick(kinds);
  applyEdit(m, rng, kind, { breaks: ANALYSIS_BREAKS });
  return kind;
}

/**
 * Applies an edit of the given kind; null when it has nothing to act on (no unused
 * function to delete, nothing broken to fix, no grown body to shrink). 'break' breaks a
 * function the entry reaches, so the update has an error; 'grow' grows `opts.growFn` if
 * given (and reachable), else a reachable function at random.
 */
export function applyEdit(m: ProgramModel, rng: Rng, kind: EditKind, opts: EditOptions = {}): EditDone | null {
  switch (kind) {
    case 'body': {
      const f = rng.pick(m.fns);
      f.op = OPS[(OPS.indexOf(f.op) + 1 + rng.int(OPS.length - 1)) % OPS.length];
      return { kind, fn: f.name };
    }
    case 'constant': {
      const name = rng.pick([...m.constants.keys()]);
      const value = rng.int(1000);
      if (value === m.constants.get(name)) return null;
      m.constants.set(name, value);
      return { kind, fn: null };
    }
    case 'add': {
      const name = `f${m.nextId++}`;
      m.fns.push({ name, op: rng.pick(OPS), constant: rng.pick([...m.constants.keys()]), callee: null, ccC: false, broken: 'none', extra: [] });
      if (rng.next() < 0.5) m.entryCalls.push(name);
      return { kind, fn: name };
    }
    case 'rename': {
      const f = rng.pick(m.fns);
      const to = `f${m.nextId++}`;
      for (const g of m.fns) if (g.callee === f.name) g.callee = to;
      m.entryCalls = m.entryCalls.map((n) => (n === f.name ? to : n));
      f.name = to;
      return { kind, fn: to };
    }
    case 'delete_unused': {
      const used = new Set([...m.entryCalls, ...m.fns.map((f) => f.callee)]);
      const unused = m.fns.filter((f) => !used.has(f.name));
      if (unused.length === 0 || m.fns.length <= 1) return null;
      const f = rng.pick(unused);
      m.fns.splice(m.fns.indexOf(f), 1);
      return { kind, fn: f.name };
    }
    case 'type': {
      const f = rng.pick(m.fns);
      f.ccC = !f.ccC;
      return { kind, fn: f.name };
    }
    case 'break': {
      const reachable = reachableFns(m);
      const candidates = m.fns.filter((f) => reachable.has(f.name) && f.broken === 'none');
      if (candidates.length === 0) return null;
      const f = rng.pick(candidates);
      f.broken = rng.pick(opts.breaks ?? ALL_BREAKS);
      return { kind, fn: f.name };
    }
    case 'fix': {
      const broken = m.fns.filter((f) => f.broken !== 'none');
      if (broken.length === 0) return null;
      for (const f of broken) f.broken = 'none';
      return { kind, fn: broken[0].name };
    }
    case 'entry': {
      if (rng.next() < 0.5 && m.entryCalls.length > 1) m.entryCalls.splice(rng.int(m.entryCalls.length), 1);
      else m.entryCalls.push(rng.pick(m.fns).name);
      return { kind, fn: null };
    }
    case 'grow': {
      const reachable = reachableFns(m);
      const candidates = m.fns.filter((g) => reachable.has(g.name));
      const f = candidates.find((g) => g.name === opts.growFn) ?? rng.pick(candidates);
      for (let i = 0; i < GROW_BY; i++) f.extra.push({ op: rng.pick(OPS), constant: rng.pick([...m.constants.keys()]) });
      return { kind, fn: f.name };
    }
    case 'shrink': {
      const grown = m.fns.filter((f) => f.extra.length > 0);
      if (grown.length === 0) return null;
      const f = rng.pick(grown);
      f.extra.length = rng.int(f.extra.length);
      return { kind, fn: f.name };
    }
  }
}

/** Replaces the body of function `name` in `source` (text-level edit, for precision tests). */
export function replaceOp(source: string, fnName: string, from: string, to: string): string {
  const start = source.indexOf(`@${fnName} = fn(`);
  const end = source.indexOf('})', start);
  const body = source.slice(start, end).replace(`= ${from}(`, `= ${to}(`);
  return source.slice(0, start) + body + source.slice(end);
}
