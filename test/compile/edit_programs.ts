// A small program model for incremental tests: functions that use constants and call
// each other, rendered to ZIR, and random edits on the model (body, constant, add,
// rename, delete, type change, break and fix). Deterministic from a seed.

export interface FnModel {
  name: string;
  op: 'addwrap' | 'mulwrap' | 'xor' | 'subwrap';
  /** Constant it adds to its argument, by name. */
  constant: string;
  /** Function it calls with its result (always a later function: no recursion at runtime). */
  callee: string | null;
  /** Uses the C calling convention type instead of the default one. */
  ccC: boolean;
  /** A deliberate compile error in the body. */
  broken: 'none' | 'compileerror' | 'missing_decl' | 'bad_int';
}

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
    });
  }
  for (let i = 0; i < fnCount - 1; i++) if (rng.next() < 0.5) fns[i].callee = fns[i + 1 + rng.int(fnCount - i - 1)].name;
  const entryCalls = fns.filter(() => rng.next() < 0.5).map((f) => f.name);
  if (entryCalls.length === 0) entryCalls.push(fns[0].name);
  return { constants, fns, entryCalls, nextId: fnCount };
}

export function renderProgram(m: ProgramModel): string {
  const out: string[] = [
    '; generated for incremental tests',
    '@u8 = primitive(u8)',
    '@u32 = primitive(u32)',
    '@noreturn = primitive(noreturn)',
    '@mask = int(255)',
    '@big = int(300)',
    '@fty = fntype([@u32], @u32)',
    '@fty_c = fntype([@u32], @u32, cc=C)',
    '@proc_exit_ty = fntype([@u32], @noreturn, cc=C)',
    '@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")',
  ];
  for (const [name, value] of m.constants) out.push(`@${name} = int(${value})`);
  for (const f of m.fns) out.push(renderFn(f));
  out.push('@entry_ty = fntype([], @noreturn, cc=C)');
  const body = ['@entry = fn(@entry_ty, {', '  %v0 = as(@u32, @mask)'];
  m.entryCalls.forEach((name, i) => body.push(`  %v${i + 1} = call(@${name}, [%v${i}])`));
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
  lines.push(`  %k = as(@u32, @${f.constant})`, `  %y = ${f.op}(%x, %k)`);
  if (f.callee) lines.push(`  %z = call(@${f.callee}, [%y])`, '  %r = return(%z)');
  else lines.push('  %r = return(%y)');
  lines.push('})');
  return lines.join('\n');
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
  | 'entry';

/** Applies one random edit; returns what it did. Keeps the program valid except for 'break'. */
export function randomEdit(m: ProgramModel, rng: Rng): EditKind {
  const kinds: EditKind[] = ['body', 'body', 'constant', 'constant', 'add', 'rename', 'delete_unused', 'type', 'break', 'fix', 'entry'];
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'body': {
      const f = rng.pick(m.fns);
      f.op = OPS[(OPS.indexOf(f.op) + 1 + rng.int(OPS.length - 1)) % OPS.length];
      break;
    }
    case 'constant': {
      const name = rng.pick([...m.constants.keys()]);
      m.constants.set(name, rng.int(1000));
      break;
    }
    case 'add': {
      const name = `f${m.nextId++}`;
      m.fns.push({ name, op: rng.pick(OPS), constant: rng.pick([...m.constants.keys()]), callee: null, ccC: false, broken: 'none' });
      if (rng.next() < 0.5) m.entryCalls.push(name);
      break;
    }
    case 'rename': {
      const f = rng.pick(m.fns);
      const to = `f${m.nextId++}`;
      for (const g of m.fns) if (g.callee === f.name) g.callee = to;
      m.entryCalls = m.entryCalls.map((n) => (n === f.name ? to : n));
      f.name = to;
      break;
    }
    case 'delete_unused': {
      const used = new Set([...m.entryCalls, ...m.fns.map((f) => f.callee)]);
      const unused = m.fns.filter((f) => !used.has(f.name));
      if (unused.length > 0 && m.fns.length > 1) m.fns.splice(m.fns.indexOf(rng.pick(unused)), 1);
      break;
    }
    case 'type': {
      const f = rng.pick(m.fns);
      f.ccC = !f.ccC;
      break;
    }
    case 'break': {
      const f = rng.pick(m.fns);
      f.broken = rng.pick(['compileerror', 'missing_decl', 'bad_int'] as const);
      break;
    }
    case 'fix':
      for (const f of m.fns) f.broken = 'none';
      break;
    case 'entry': {
      if (rng.next() < 0.5 && m.entryCalls.length > 1) m.entryCalls.splice(rng.int(m.entryCalls.length), 1);
      else m.entryCalls.push(rng.pick(m.fns).name);
      break;
    }
  }
  return kind;
}

/** Replaces the body of function `name` in `source` (text-level edit, for precision tests). */
export function replaceOp(source: string, fnName: string, from: string, to: string): string {
  const start = source.indexOf(`@${fnName} = fn(`);
  const end = source.indexOf('})', start);
  const body = source.slice(start, end).replace(`= ${from}(`, `= ${to}(`);
  return source.slice(0, start) + body + source.slice(end);
}
