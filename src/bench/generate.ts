//! Generator of valid, portable ZIR programs for benchmarks and incremental tests.
//!
//! A program has N functions `@f0 .. @f<N-1>` of one type `fn(u32) u32`, grouped in call
//! chains of `chainLength` (f_i calls f_{i+1} unless it ends its chain). The entry calls
//! every chain head, folds the results into a u32 checksum (h = h *% 31 +% r), prints it
//! in decimal with WASI `fd_write` and exits through `proc_exit` with status 0 (spec §7),
//! so one program runs unchanged on x86_64-linux and wasm32-wasi. Only spec §5
//! instructions; all arithmetic that could overflow wraps (addwrap/mulwrap/xor).
//!
//! Shapes (what each function computes before calling on):
//! - `chain`: y = (x *% A) op B with per-function literals A, B (`%a = int(A)` locals);
//! - `loops`: fills an alloc'd `[8]u32` (elemptr/store in a loop), then folds it back
//!   (elemptr/deref in a second loop);
//! - `constants`: mixes x with three of many small shared constant decls `@k<j>`.
//!
//! Everything is a pure function of (shape, N, seed, chain length, per-function variants,
//! constant values), and `expectedStdout` is computed by simulating the program in JS.
//!
//! Edit helpers, for incremental tests and update-latency benchmarks:
//! - `editFunctionBody(p, i, variant)`: function i's body becomes that of `variant`
//!   (variant 0 is the original); its type and name stay, so callers need no re-analysis.
//! - `editConstant(p, j, value)` (shape `constants`): `@k<j> = int(value)`, which every
//!   function using it depends on.
//! Both accept a `GeneratedProgram` (and return one, with the new expected output) or
//! the source text alone (and return text; the header comment carries shape and seed).

export type ProgramShape = 'chain' | 'loops' | 'constants';

export interface GenerateOptions {
  shape: ProgramShape;
  /** Number of functions (1 .. 100k and beyond). */
  functions: number;
  /** Deterministic seed (default 1). */
  seed?: number;
  /** Functions per call chain (default 16). */
  chainLength?: number;
}

export interface ProgramModel {
  shape: ProgramShape;
  functions: number;
  seed: number;
  chainLength: number;
  /** Body variant of each function (0 = as first generated). */
  variants: number[];
  /** Values of `@k0 ..` (shape `constants` only; empty otherwise). */
  constants: number[];
}

export interface GeneratedProgram {
  source: string;
  /** What the program writes to stdout: the checksum in decimal and a newline. */
  expectedStdout: string;
  expectedExitCode: number;
  model: ProgramModel;
}

/** Elements of the array each `loops` function fills. */
export const LOOP_ARRAY_LEN = 8;

export function generateProgram(opts: GenerateOptions): GeneratedProgram {
  const functions = Math.max(1, Math.floor(opts.functions));
  const seed = (opts.seed ?? 1) >>> 0;
  const chainLength = Math.max(1, Math.floor(opts.chainLength ?? 16));
  const constants: number[] = [];
  if (opts.shape === 'constants') {
    const count = Math.max(16, Math.floor(functions / 10));
    for (let j = 0; j < count; j++) constants.push(1 + (hash(seed, j, 0, 7) % 65535));
  }
  const model: ProgramModel = {
    shape: opts.shape, functions, seed, chainLength, variants: new Array<number>(functions).fill(0), constants,
  };
  return fromModel(model);
}

/** Regenerate text and expected output from a model. */
export function fromModel(model: ProgramModel): GeneratedProgram {
  const parts: string[] = [header(model), PRELUDE];
  if (model.shape === 'loops') parts.push(LOOPS_PRELUDE);
  for (let j = 0; j < model.constants.length; j++) parts.push(constantDecl(j, model.constants[j]!), '\n');
  parts.push('\n');
  for (let i = 0; i < model.functions; i++) parts.push(functionDecl(model, i, model.variants[i]!), '\n');
  parts.push(entryDecl(model), EPILOGUE);
  return {
    source: parts.join(''),
    expectedStdout: expectedStdoutOf(model),
    expectedExitCode: 0,
    model,
  };
}

export function editFunctionBody(program: GeneratedProgram, index: number, variant: number): GeneratedProgram;
export function editFunctionBody(source: string, index: number, variant: number): string;
export function editFunctionBody(
  p: GeneratedProgram | string, index: number, variant: number,
): GeneratedProgram | string {
  const source = typeof p === 'string' ? p : p.source;
  const base = typeof p === 'string' ? modelFromHeader(source) : p.model;
  if (index < 0 || index >= base.functions) throw new RangeError(`no function ${index}`);
  const marker = `\n@f${index} = fn(`;
  const start = source.indexOf(marker);
  if (start < 0) throw new Error(`function @f${index} not found`);
  const end = source.indexOf('\n})\n', start) + 3;
  const text = functionDecl(base, index, variant);
  const edited = source.slice(0, start + 1) + text + source.slice(end);
  if (typeof p === 'string') return edited;
  const variants = p.model.variants.slice();
  variants[index] = variant;
  const model = { ...p.model, variants };
  return { ...p, source: edited, model, expectedStdout: expectedStdoutOf(model) };
}

export function editConstant(program: GeneratedProgram, index: number, value: number): GeneratedProgram;
export function editConstant(source: string, index: number, value: number): string;
export function editConstant(p: GeneratedProgram | string, index: number, value: number): GeneratedProgram | string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError('constant must fit u32');
  const source = typeof p === 'string' ? p : p.source;
  const marker = `\n@k${index} = int(`;
  const start = source.indexOf(marker);
  if (start < 0) throw new Error(`constant @k${index} not found (shape 'constants' only)`);
  const end = source.indexOf('\n', start + 1);
  const edited = source.slice(0, start + 1) + constantDecl(index, value) + source.slice(end);
  if (typeof p === 'string') return edited;
  const constants = p.model.constants.slice();
  constants[index] = value;
  const model = { ...p.model, constants };
  return { ...p, source: edited, model, expectedStdout: expectedStdoutOf(model) };
}

// --- hashing and per-function parameters -------------------------------------------

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hash(seed: number, i: number, variant: number, salt: number): number {
  return mix32(Math.imul(seed, 0x9e3779b9) ^ mix32(i + Math.imul(salt, 0x85ebca6b)) ^ Math.imul(variant + 1, 0xc2b2ae35));
}

interface FnParams {
  a: number;
  b: number;
  /** Second operation of `chain`: 0 addwrap, 1 subwrap, 2 xor. */
  op: number;
  /** Constants used by `constants`. */
  k: [number, number, number];
}

function fnParams(model: ProgramModel, i: number, variant: number): FnParams {
  const h1 = hash(model.seed, i, variant, 1);
  const h2 = hash(model.seed, i, variant, 2);
  const h3 = hash(model.seed, i, variant, 3);
  const n = Math.max(1, model.constants.length);
  return {
    a: (h1 | 1) >>> 0,
    b: h2,
    op: h3 % 3,
    k: [h1 % n, h2 % n, h3 % n],
  };
}

function isChainEnd(model: ProgramModel, i: number): boolean {
  return (i + 1) % model.chainLength === 0 || i + 1 === model.functions;
}

// --- the JS model of the program ------------------------------------------------------

const u32 = (x: number): number => x >>> 0;
const mulw = (a: number, b: number): number => Math.imul(a, b) >>> 0;
const addw = (a: number, b: number): number => (a + b) >>> 0;
const subw = (a: number, b: number): number => (a - b) >>> 0;

function runFunction(model: ProgramModel, first: number, x0: number): number {
  // f_i(x) = isEnd ? own(x) : f_{i+1}(own(x)) ^ x, evaluated without recursion.
  const xs: number[] = [];
  let i = first;
  let x = x0;
  for (;;) {
    xs.push(x);
    const y = ownResult(model, i, x);
    if (isChainEnd(model, i)) {
      let r = y;
      for (let k = xs.length - 2; k >= 0; k--) r = u32(r ^ xs[k]!);
      return r;
    }
    x = y;
    i++;
  }
}

/** What function i computes from x before (or instead of) calling on. */
function ownResult(model: ProgramModel, i: number, x: number): number {
  const p = fnParams(model, i, model.variants[i]!);
  switch (model.shape) {
    case 'chain': {
      const m = mulw(x, p.a);
      return p.op === 0 ? addw(m, p.b) : p.op === 1 ? subw(m, p.b) : u32(m ^ p.b);
    }
    case 'loops': {
      const arr: number[] = [];
      for (let j = 0; j < LOOP_ARRAY_LEN; j++) arr.push(addw(mulw(j, p.a), x));
      let s = x;
      for (let j = 0; j < LOOP_ARRAY_LEN; j++) s = mulw(u32(s ^ arr[j]!), p.b | 1);
      return s;
    }
    case 'constants': {
      const c = model.constants;
      return u32(addw(mulw(x, c[p.k[0]]!), c[p.k[1]]!) ^ c[p.k[2]]!);
    }
  }
}

function startHash(model: ProgramModel): number {
  return hash(model.seed, 0, 0, 9) % 1000000;
}

/** What the program of `model` prints: its checksum in decimal and a newline. */
export function expectedStdoutOf(model: ProgramModel): string {
  return `${checksum(model)}\n`;
}

function checksum(model: ProgramModel): number {
  let h = startHash(model);
  for (let head = 0; head < model.functions; head += model.chainLength) {
    const r = runFunction(model, head, h);
    h = addw(mulw(h, 31), r);
  }
  return h;
}

// --- text -------------------------------------------------------------------------

function header(model: ProgramModel): string {
  return `; zirc-bench shape=${model.shape} functions=${model.functions} seed=${model.seed} chain=${model.chainLength}\n`;
}

function modelFromHeader(source: string): ProgramModel {
  const m = /^; zirc-bench shape=(\w+) functions=(\d+) seed=(\d+) chain=(\d+)/.exec(source);
  if (m === null) throw new Error('not a generated program (missing zirc-bench header)');
  const functions = Number(m[2]);
  return {
    shape: m[1] as ProgramShape, functions, seed: Number(m[3]), chainLength: Number(m[4]),
    variants: new Array<number>(functions).fill(0),
    constants: [...source.matchAll(/^@k\d+ = int\((\d+)\)$/gm)].map((c) => Number(c[1])),
  };
}

/** The text of constant decl `@k<j>` (no newline). */
export function constantDecl(j: number, value: number): string {
  return `@k${j} = int(${value})`;
}

/** The text of function decl `@f<i>` in body variant `variant` (ends with `})`, no newline). */
export function functionDecl(model: ProgramModel, i: number, variant: number): string {
  const p = fnParams(model, i, variant);
  const lines: string[] = [`@f${i} = fn(@fn_ty, {`, `  %x = arg("x")`];
  switch (model.shape) {
    case 'chain':
      lines.push(
        `  %a = int(${p.a})`,
        `  %b = int(${p.b})`,
        `  %m = mulwrap(%x, %a)`,
        `  %y = ${['addwrap', 'subwrap', 'xor'][p.op]}(%m, %b)`,
      );
      break;
    case 'loops':
      lines.push(
        `  %a = int(${p.a})`,
        `  %b = int(${(p.b | 1) >>> 0})`,
        `  %arr = alloc_mut(@arr_ty)`,
        `  %i = alloc_mut(@usize)`,
        `  %i0 = store(%i, @zero)`,
        `  %fill = block({`,
        `    %fill_loop = loop({`,
        `      %fill_step = block({`,
        `        %j = deref(%i)`,
        `        %slot = elemptr(%arr, %j)`,
        `        %j32 = intcast(@u32, %j)`,
        `        %ja = mulwrap(%j32, %a)`,
        `        %v = addwrap(%ja, %x)`,
        `        %put = store(%slot, %v)`,
        `        %j1 = add(%j, @one)`,
        `        %inc = store(%i, %j1)`,
        `        %more = cmp_lt(%j1, @arr_len)`,
        `        %fill_br = condbr(%more, {`,
        `          %fill_next = breakvoid("fill_step")`,
        `        }, {`,
        `          %fill_done = breakvoid("fill")`,
        `        })`,
        `      })`,
        `    })`,
        `  })`,
        `  %sum = alloc_mut(@u32)`,
        `  %s0 = store(%sum, %x)`,
        `  %k = alloc_mut(@usize)`,
        `  %k0 = store(%k, @zero)`,
        `  %fold = block({`,
        `    %fold_loop = loop({`,
        `      %fold_step = block({`,
        `        %kk = deref(%k)`,
        `        %elem_ptr = elemptr(%arr, %kk)`,
        `        %elem = deref(%elem_ptr)`,
        `        %s = deref(%sum)`,
        `        %sx = xor(%s, %elem)`,
        `        %sm = mulwrap(%sx, %b)`,
        `        %keep = store(%sum, %sm)`,
        `        %kk1 = add(%kk, @one)`,
        `        %knext = store(%k, %kk1)`,
        `        %again = cmp_lt(%kk1, @arr_len)`,
        `        %fold_br = condbr(%again, {`,
        `          %fold_next = breakvoid("fold_step")`,
        `        }, {`,
        `          %fold_done = breakvoid("fold")`,
        `        })`,
        `      })`,
        `    })`,
        `  })`,
        `  %y = deref(%sum)`,
      );
      break;
    case 'constants':
      lines.push(
        `  %m = mulwrap(%x, @k${p.k[0]})`,
        `  %s = addwrap(%m, @k${p.k[1]})`,
        `  %y = xor(%s, @k${p.k[2]})`,
      );
      break;
  }
  if (isChainEnd(model, i)) {
    lines.push(`  %ret = return(%y)`);
  } else {
    lines.push(`  %z = call(@f${i + 1}, [%y])`, `  %r = xor(%z, %x)`, `  %ret = return(%r)`);
  }
  lines.push('})');
  return lines.join('\n');
}

/** Chain heads one function of the entry folds: a bigger program's entry is split in parts of this many. */
export const ENTRY_PART_HEADS = 256;

/**
 * The entry: folds every chain head's result into the checksum, then prints it and exits.
 * Past ENTRY_PART_HEADS heads the folding is split into `@entry_partK(h) -> h` functions,
 * so no function has tens of thousands of values (V8 rejects a wasm function with too
 * many locals, as clang's wasm twin of one huge entry had).
 */
function entryDecl(model: ProgramModel): string {
  const heads: number[] = [];
  for (let head = 0; head < model.functions; head += model.chainLength) heads.push(head);
  const fold = (lines: string[], part: readonly number[]): number => {
    part.forEach((head, n) => {
      lines.push(
        `  %r${n} = call(@f${head}, [%h${n}])`,
        `  %m${n} = mulwrap(%h${n}, @thirty_one)`,
        `  %h${n + 1} = addwrap(%m${n}, %r${n})`,
      );
    });
    return part.length;
  };
  const lines: string[] = [`@start_hash = int(${startHash(model)})`];
  const body: string[] = [`  %h0 = as(@u32, @start_hash)`];
  let n: number;
  if (heads.length <= ENTRY_PART_HEADS) n = fold(body, heads);
  else {
    lines.push(`@entry_part_ty = fntype([@u32], @u32)`);
    n = 0;
    for (let k = 0; k * ENTRY_PART_HEADS < heads.length; k++) {
      lines.push(`@entry_part${k} = fn(@entry_part_ty, {`, `  %h0 = arg("h")`);
      const m = fold(lines, heads.slice(k * ENTRY_PART_HEADS, (k + 1) * ENTRY_PART_HEADS));
      lines.push(`  %ret = return(%h${m})`, `})`);
      body.push(`  %h${n + 1} = call(@entry_part${k}, [%h${n}])`);
      n++;
    }
  }
  lines.push(
    `@entry_ty = fntype([], @noreturn, cc=C)`,
    `@entry = fn(@entry_ty, {`,
    ...body,
    `  %print = call(@print_u32, [%h${n}])`,
    `  %status = as(@u32, @zero)`,
    `  %bye = call(@proc_exit, [%status])`,
    `})`,
  );
  return lines.join('\n');
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
@thirty_one = int(31)
@ascii_zero = int(48)
@newline = int(10)

@iovec = array_type(@two, @usize)
@buf_ty = array_type(@twenty, @u8)
@fn_ty = fntype([@u32], @u32)

@fd_write_ty = fntype([@u32, @usize, @usize, @usize], @u32, cc=C)
@fd_write = extern(@fd_write_ty, "fd_write", lib="wasi_snapshot_preview1")
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")

; write(addr, len) sends len bytes at addr to standard output.
@write_ty = fntype([@usize, @usize], @void)
@write = fn(@write_ty, {
  %addr = arg("addr")
  %len = arg("len")
  %iov = alloc_mut(@iovec)
  %iov_ptr = elemptr(%iov, @zero)
  %set_ptr = store(%iov_ptr, %addr)
  %iov_len = elemptr(%iov, @one)
  %set_len = store(%iov_len, %len)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @one)
  %written_addr = ptrtoint(%written)
  %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  %done = returnvoid()
})

; print_u32(x) writes x in decimal and a newline.
@print_ty = fntype([@u32], @void)
@print_u32 = fn(@print_ty, {
  %x = arg("x")
  %buf = alloc_mut(@buf_ty)
  %pos = alloc_mut(@usize)
  %rest = alloc_mut(@u32)
  %init_rest = store(%rest, %x)
  %last = sub(@twenty, @one)
  %last_idx = as(@usize, %last)
  %set_pos = store(%pos, %last_idx)
  %nl_ptr = elemptr(%buf, %last_idx)
  %put_nl = store(%nl_ptr, @newline)
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
        %put = store(%slot, %ch)
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
  %w = call(@write, [%first_addr, %count])
  %done = returnvoid()
})

`;

const LOOPS_PRELUDE = `@arr_len = int(${LOOP_ARRAY_LEN})
@arr_ty = array_type(@arr_len, @u32)

`;

const EPILOGUE = `

@start_name = str("_start")
@start_export = export(@start_name, "entry")
`;
