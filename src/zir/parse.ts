//! The ZIR text parser: bytes in, `Module` (or the file's first parse error) out.
//!
//! Hand-written and table-driven: the tag's schema (`schema.ts`) says what each argument
//! is, so the parser reads exactly that kind. It works on bytes; offsets are byte
//! offsets (absolute in errors and `Decl.start/end`, relative to the decl's `@` inside
//! the tree). Nested bodies are parsed with an explicit frame stack, not recursion, so
//! nesting depth is limited by memory only and never by the JS stack.
//!
//! Scoping (spec §2): one `%` namespace per top-level decl, shared by its nested bodies;
//! a local becomes visible once its instruction is complete. `@` references are names
//! only; whether they exist is analysis's business.
//!
//! 2020 spellings (spec §11) are rewritten to canonical tags here: `return()` becomes
//! `returnvoid()`, `cmp(a, op, b)` becomes `cmp_op(a, b)`, `export(@s, @d)` gets the
//! string "d" as its decl name.

import type { ArgValue, BodyValue, Decl, Inst, ListValue, Local, Module, RefValue, StringValue, SwitchCaseValue } from './ast.js';
import { nameForDisplay } from './ast.js';
import {
  CH_AT, CH_COMMA, CH_CR, CH_EQ, CH_GT, CH_LBRACE, CH_LBRACKET, CH_LF, CH_LPAREN, CH_MINUS,
  CH_PERCENT, CH_QUOTE, CH_RBRACE, CH_RBRACKET, CH_RPAREN, CH_SEMI, CH_SPACE, CH_TAB, INT_TOKEN_BYTE,
  NAME_BYTE, showByte,
} from './lex.js';
import type { ArgKind, ParamSchema, TagSchema } from './schema.js';
import { LEGACY_CMP_SCHEMA, lookupTag } from './schema.js';
import { decodeStringLiteral } from './string_literal.js';
import { NAME_HASH_SEED, NameTable, nameHashStep } from './intern.js';
import { latin1Bytes, latin1String } from './bytes.js';
import { heapRoom } from './heap_probe.js';

export interface ParseError {
  /** Absolute byte offset in the file. */
  offset: number;
  message: string;
}

export type ParseResult = { ok: true; module: Module } | { ok: false; error: ParseError };
export type DeclParseResult = { ok: true; decl: Decl } | { ok: false; error: ParseError };

/** Parse a whole file. Never throws for bad input: returns the first error instead. */
export function parseFile(source: Uint8Array, names?: NameTable): ParseResult {
  const p = new Parser(source, names);
  try {
    return { ok: true, module: p.parseModule() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: { offset: e.offset, message: e.message } };
    throw e;
  }
}

/**
 * Parse the one decl whose `@` is at `start`; only whitespace and comments may follow it
 * before `end`. Bytes at or after `end` are not read. Offsets in the error are absolute.
 */
export function parseDeclAt(source: Uint8Array, start: number, end: number): DeclParseResult {
  return declParser(source)(start, end);
}

/**
 * `parseDeclAt` for many decls of one source: the parser and its name tables are made
 * once and reused, which is what a full build (every decl parsed on its own) needs.
 * Given `names`, the trees' names and reference ids (`RefValue.id`) are that table's.
 */
export function declParser(source: Uint8Array, names?: NameTable): (start: number, end: number) => DeclParseResult {
  const p = new Parser(source, names);
  return (start, end) => {
    p.restrictTo(end >= source.length ? source : source.subarray(0, Math.max(end, start)));
    try {
      return { ok: true, decl: p.parseSingleDecl(start) };
    } catch (e) {
      if (e instanceof ParseFailure) return { ok: false, error: { offset: e.offset, message: e.message } };
      throw e;
    }
  };
}

class ParseFailure {
  constructor(readonly offset: number, readonly message: string) {}
}

const FrameType = { Inst: 0, Body: 1, Cases: 2 } as const;

/** An instruction whose arguments are being read. */
interface InstFrame {
  type: typeof FrameType.Inst;
  schema: TagSchema;
  tag: string;
  args: ArgValue[];
  kwargs: Map<string, ArgValue>;
  offset: number;
  tagOffset: number;
  /** Index of the next positional argument to read. */
  argIndex: number;
}

/** A `{ ... }` body whose locals are being read. */
interface BodyFrame {
  type: typeof FrameType.Body;
  locals: Local[];
  offset: number;
  /** The local whose instruction is being read (between `%x =` and its `)`). */
  pendingName: string;
  pendingId: number;
  pendingOffset: number;
}

/** `switchbr` prongs `{ %item => { body }, ... }` being read. */
interface CasesFrame {
  type: typeof FrameType.Cases;
  items: ArgValue[];
  offset: number;
  pendingItem: RefValue | null;
}

type Frame = InstFrame | BodyFrame | CasesFrame;
/** What a completed child frame hands to its parent. */
type Delivered = Inst | BodyValue | ListValue | null;

/**
 * The `kwargs` of every instruction written without keyword arguments: one shared map
 * that refuses writes (copy it first: `new Map(inst.kwargs)`).
 */
class FrozenEmptyMap<K, V> extends Map<K, V> {
  override set(key: K, value: V): this {
    if (this.frozen) throw new TypeError('Inst.kwargs of a parsed instruction without keyword arguments is shared; copy it before adding');
    return super.set(key, value);
  }
  private frozen = false;
  freeze(): this {
    this.frozen = true;
    return this;
  }
}
export const EMPTY_KWARGS: Map<string, ArgValue> = new FrozenEmptyMap<string, ArgValue>().freeze();

const enumSets = new WeakMap<readonly string[], Set<string>>();
function enumSet(members: readonly string[]): Set<string> {
  let s = enumSets.get(members);
  if (s === undefined) {
    s = new Set(members);
    enumSets.set(members, s);
  }
  return s;
}

/**
 * What parses learn by name id, kept with the name table rather than the parser: a
 * compilation makes a parser for each new source (each update), and its names have ids up
 * in the hundreds of thousands (the splitter interns every decl name first), so a parser
 * of its own would grow these lists from nothing at every edit. Shared by every parser of
 * the table; parses never interleave, so one decl serial serves them all.
 */
interface NameFacts {
  /**
   * Name id -> serial of the decl where it was last defined as a local: a name is a local
   * of the current decl when its entry equals `declSerial` (no per-decl clearing).
   */
  localDecl: Int32Array;
  declSerial: number;
  /** Name id -> schema of that tag (null: not a tag; undefined: not looked up yet). */
  tagById: (TagSchema | null | undefined)[];
}

const factsByTable = new WeakMap<NameTable, NameFacts>();

function factsOf(names: NameTable): NameFacts {
  let f = factsByTable.get(names);
  if (f === undefined) factsByTable.set(names, (f = { localDecl: new Int32Array(1024), declSerial: 0, tagById: [] }));
  return f;
}

class Parser {
  private src: Uint8Array;
  private buf: Uint8Array;
  private len: number;
  private pos = 0;
  /** Absolute offset of the current decl's `@`. */
  private declStart = 0;
  /** Names seen in this parse (or, given one, the caller's table), by id. */
  private readonly names: NameTable;
  /** Id of the name `readName` read last. */
  private nameId = 0;
  /** Id of the current decl's name. */
  private declNameId = 0;
  /** What parses of this name table learned by name id (shared: see `NameFacts`). */
  private readonly facts: NameFacts;
  /** The frame stack of `parseInstruction`, reused. */
  private readonly stack: Frame[] = [];
  /** How many bodies enclose the current position (0: `%` refs are illegal). */
  private bodyDepth = 0;
  /** Instruction frames, reused by nesting depth. */
  private readonly instPool: InstFrame[] = [];
  private instDepth = 0;

  constructor(source: Uint8Array, names = new NameTable()) {
    this.names = names;
    this.facts = factsOf(names);
    this.src = source;
    this.buf = source;
    this.len = source.length;
  }

  /** Parse within `view` (a prefix of the source) from now on: nothing past its end is read. */
  restrictTo(view: Uint8Array): void {
    this.src = view;
    this.buf = view;
    this.len = view.length;
  }

  // --- errors ---------------------------------------------------------------------

  private fail(offset: number, message: string): never {
    throw new ParseFailure(offset, message);
  }

  /** `unexpected EOF` at the end, else `unexpected byte: 'c'` at `offset`. */
  private failByte(offset: number): never {
    if (offset >= this.len) this.fail(this.len, 'unexpected EOF');
    this.fail(offset, `unexpected byte: '${showByte(this.src[offset]!)}'`);
  }

  /** `expected 'what'` at the current byte (or `unexpected EOF`). */
  private failExpected(what: string): never {
    if (this.pos >= this.len) this.fail(this.len, 'unexpected EOF');
    this.fail(this.pos, `expected '${what}'`);
  }

  private expectByte(c: number, what: string): void {
    if (this.src[this.pos] !== c || this.pos >= this.len) this.failExpected(what);
    this.pos++;
  }

  // --- tokens ---------------------------------------------------------------------

  /** Skip whitespace and `;` comments. */
  private skipSpace(): void {
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      const c = src[pos];
      if (c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR) {
        pos++;
      } else if (c === CH_SEMI && pos < this.len) {
        const nl = this.buf.indexOf(CH_LF, pos);
        pos = nl < 0 || nl >= this.len ? this.len : nl + 1;
      } else {
        break;
      }
    }
    this.pos = pos;
  }

  /** Read a NAME (one or more name bytes) and return it as a latin1 string. */
  private readName(): string {
    const src = this.src;
    const start = this.pos;
    let pos = start;
    const len = this.len;
    // Hashed while scanned: one pass over the bytes, not a second one in the name table.
    let h = NAME_HASH_SEED;
    while (pos < len) {
      const c = src[pos]!;
      if (NAME_BYTE[c] !== 1) break;
      h = nameHashStep(h, c);
      pos++;
    }
    if (pos === start) this.failByte(pos);
    this.pos = pos;
    const id = this.names.internHashed(src, start, pos, h);
    this.nameId = id;
    return this.names.names[id]!;
  }

  private isLocal(id: number): boolean {
    const f = this.facts;
    return id < f.localDecl.length && f.localDecl[id] === f.declSerial;
  }

  private markLocal(id: number): void {
    const f = this.facts;
    if (id >= f.localDecl.length) {
      const grown = new Int32Array(Math.max(id + 1, f.localDecl.length * 2));
      grown.set(f.localDecl);
      f.localDecl = grown;
    }
    f.localDecl[id] = f.declSerial;
  }

  private schemaOf(tag: string, id: number): TagSchema | null {
    const tags = this.facts.tagById;
    let s = tags[id];
    if (s === undefined) {
      s = lookupTag(tag) ?? (tag === 'cmp' ? LEGACY_CMP_SCHEMA : null);
      // Filled up to `id`, so the list stays packed (a hole would make it a dictionary).
      while (tags.length < id) tags.push(undefined);
      tags[id] = s;
    }
    return s;
  }

  // --- files and decls ------------------------------------------------------------

  parseModule(): Module {
    const decls: Decl[] = [];
    /** Name id -> 1 when a decl of that name exists. */
    let declared = new Uint8Array(1024);
    let nextHeapCheck = HEAP_CHECK_INTERVAL;
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.len) break;
      if (this.src[this.pos] !== CH_AT) this.failByte(this.pos);
      if (this.pos >= nextHeapCheck) {
        this.checkHeap(this.pos);
        nextHeapCheck = this.pos + HEAP_CHECK_INTERVAL;
      }
      const decl = this.parseDecl();
      const id = this.declNameId;
      if (id >= declared.length) {
        const grown = new Uint8Array(Math.max(id + 1, declared.length * 2));
        grown.set(declared);
        declared = grown;
      }
      if (declared[id] === 1) this.fail(decl.start, `redefinition of identifier '${nameForDisplay(decl.name)}'`);
      declared[id] = 1;
      decls.push(decl);
    }
    return { decls };
  }

  /**
   * A tree takes 10-25 bytes of heap per source byte: on a huge file, stop with an error
   * while there is still room, instead of letting V8 abort the process.
   */
  private checkHeap(at: number): void {
    const h = heapRoom();
    if (h === null) return;
    const remainingSource = this.len - at;
    if (h.used_heap_size > h.heap_size_limit * 0.85 || remainingSource * 12 > h.heap_size_limit - h.used_heap_size) {
      this.fail(at, `out of memory: a ${this.len}-byte file needs more heap than the limit of ${h.heap_size_limit} bytes`);
    }
  }

  parseSingleDecl(start: number): Decl {
    this.pos = start;
    if (start >= this.len || this.src[start] !== CH_AT) this.failByte(start);
    const decl = this.parseDecl();
    this.skipSpace();
    if (this.pos < this.len) this.failByte(this.pos);
    return decl;
  }

  /** `@name = inst`, at the `@`. */
  private parseDecl(): Decl {
    const start = this.pos;
    this.declStart = start;
    this.facts.declSerial++;
    this.bodyDepth = 0;
    this.pos++;
    const name = this.readName();
    this.declNameId = this.nameId;
    this.skipSpace();
    this.expectByte(CH_EQ, '=');
    this.skipSpace();
    const inst = this.parseInstruction();
    return { name, start, end: this.pos, inst };
  }

  // --- instructions: the frame machine ---------------------------------------------

  /** Parse one instruction and everything nested in it, without recursion. */
  private parseInstruction(): Inst {
    const stack = this.stack;
    stack.length = 0;
    // A parse that failed part way left its frames taken: this parser serves the next decl.
    this.instDepth = 0;
    let frame: Frame = this.beginInst();
    let delivered: Delivered = null;
    for (;;) {
      let child: Frame | null;
      let done: Delivered = null;
      if (frame.type === FrameType.Inst) {
        child = this.continueInst(frame, delivered as BodyValue | ListValue | null);
        if (child === null) done = this.finishInst(frame);
      } else if (frame.type === FrameType.Body) {
        child = this.continueBody(frame, delivered as Inst | null);
        if (child === null) done = { kind: 'body', locals: frame.locals, offset: frame.offset };
      } else {
        child = this.continueCases(frame, delivered as BodyValue | null);
        if (child === null) done = { kind: 'list', items: frame.items, offset: frame.offset };
      }
      if (child !== null) {
        stack.push(frame);
        frame = child;
        delivered = null;
        continue;
      }
      const parent = stack.pop();
      if (parent === undefined) return done as Inst;
      frame = parent;
      delivered = done;
    }
  }

  /** Read `tag (` and set up the instruction's frame (frames are pooled per depth). */
  private beginInst(): InstFrame {
    const tagStart = this.pos;
    const tag = this.readName();
    const schema = this.schemaOf(tag, this.nameId);
    if (schema === null) this.fail(tagStart, `unknown instruction '${nameForDisplay(tag)}'`);
    const first = schema.positionals[0];
    if (first !== undefined && first.kind.kind === 'special') this.fail(tagStart, first.kind.message);
    this.skipSpace();
    this.expectByte(CH_LPAREN, '(');
    let frame = this.instPool[this.instDepth];
    if (frame === undefined) {
      frame = {
        type: FrameType.Inst, schema, tag, args: [], kwargs: EMPTY_KWARGS, offset: 0, tagOffset: 0, argIndex: 0,
      };
      this.instPool.push(frame);
    }
    this.instDepth++;
    frame.schema = schema;
    // The schema's spelling of the tag, not the one just read: the table's strings are
    // internalized, so the many `inst.tag === '...'` of analysis compare pointers, not text.
    frame.tag = schema.tag;
    frame.kwargs = EMPTY_KWARGS;
    frame.offset = this.pos - this.declStart;
    frame.tagOffset = tagStart - this.declStart;
    frame.argIndex = 0;
    if (tag === 'return') {
      // 2020: `return()` with no operand is `returnvoid()`.
      this.skipSpace();
      if (this.src[this.pos] === CH_RPAREN) {
        frame.tag = 'returnvoid';
        frame.schema = lookupTag('returnvoid')!;
      }
    }
    return frame;
  }

  /**
   * Read the instruction's remaining arguments up to and including `)`. Returns a child
   * frame when an argument is a body (or switch prongs); the child's value comes back
   * as `delivered` on the next call.
   */
  private continueInst(f: InstFrame, delivered: BodyValue | ListValue | null): Frame | null {
    const positionals = f.schema.positionals;
    if (delivered !== null) {
      f.args[f.argIndex] = delivered;
      f.argIndex++;
    }
    while (f.argIndex < positionals.length) {
      const param = positionals[f.argIndex]!;
      this.skipSpace();
      if (f.argIndex > 0) {
        const c = this.src[this.pos];
        if (c === CH_RPAREN) this.fail(this.pos, `expected positional parameter '${param.name}'`);
        if (c !== CH_COMMA) this.failExpected(',');
        this.pos++;
        this.skipSpace();
      }
      if (this.src[this.pos] === CH_RPAREN) this.fail(this.pos, `expected positional parameter '${param.name}'`);
      const k = param.kind.kind;
      if (k === 'body') return this.beginBody();
      if (k === 'switch_cases') return this.beginCases();
      f.args[f.argIndex] = this.parseValue(param.kind);
      f.argIndex++;
    }
    // Keyword arguments, then `)`.
    this.skipSpace();
    while (this.src[this.pos] === CH_COMMA && this.pos < this.len) {
      this.pos++;
      this.skipSpace();
      const kwStart = this.pos;
      const kw = this.readName();
      const param = findKwarg(f.schema, kw);
      if (param === undefined) this.fail(kwStart, `unrecognized keyword parameter: '${nameForDisplay(kw)}'`);
      this.skipSpace();
      this.expectByte(CH_EQ, '=');
      this.skipSpace();
      if (f.kwargs === EMPTY_KWARGS) f.kwargs = new Map();
      f.kwargs.set(kw, this.parseValue(param.kind));
      this.skipSpace();
    }
    this.expectByte(CH_RPAREN, ')');
    return null;
  }

  /** Build the finished `Inst` (fresh, exact-size args), applying the 2020 `cmp` rewrite. */
  private finishInst(f: InstFrame): Inst {
    this.instDepth--;
    const a = f.args;
    let tag = f.tag;
    let args: ArgValue[];
    switch (f.argIndex) {
      case 0: args = []; break;
      case 1: args = [a[0]!]; break;
      case 2: args = [a[0]!, a[1]!]; break;
      case 3:
        if (tag === 'cmp') {
          tag = lookupTag('cmp_' + (a[1] as { text: string }).text)!.tag;
          args = [a[0]!, a[2]!];
        } else {
          args = [a[0]!, a[1]!, a[2]!];
        }
        break;
      default: args = a.slice(0, f.argIndex);
    }
    return { tag, args, kwargs: f.kwargs, offset: f.offset, tagOffset: f.tagOffset };
  }

  /** At `{`: start a body. */
  private beginBody(): BodyFrame {
    const offset = this.pos - this.declStart;
    this.expectByte(CH_LBRACE, '{');
    this.bodyDepth++;
    return { type: FrameType.Body, locals: [], offset, pendingName: '', pendingId: 0, pendingOffset: 0 };
  }

  /** Read locals until `}`; returns a child frame for each local's instruction. */
  private continueBody(f: BodyFrame, delivered: Inst | null): Frame | null {
    if (delivered !== null) this.defineLocal(f, delivered);
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === CH_RBRACE && this.pos < this.len) {
        this.pos++;
        this.bodyDepth--;
        return null;
      }
      if (c !== CH_PERCENT || this.pos >= this.len) this.failByte(this.pos);
      const localStart = this.pos;
      this.pos++;
      f.pendingName = this.readName();
      f.pendingId = this.nameId;
      f.pendingOffset = localStart - this.declStart;
      this.skipSpace();
      this.expectByte(CH_EQ, '=');
      this.skipSpace();
      const inst = this.beginInst();
      if (inst.schema.nests) return inst;
      // Fast path: an instruction without bodies completes here, without the frame machine.
      this.continueInst(inst, null);
      this.defineLocal(f, this.finishInst(inst));
    }
  }

  /** Record the completed local `f.pendingName` (visible from now on). */
  private defineLocal(f: BodyFrame, inst: Inst): void {
    const name = f.pendingName;
    if (this.isLocal(f.pendingId)) {
      this.fail(f.pendingOffset + this.declStart, `redefinition of identifier '${nameForDisplay(name)}'`);
    }
    this.markLocal(f.pendingId);
    f.locals.push({ name, offset: f.pendingOffset, inst });
  }

  /** At `{`: start switch prongs. */
  private beginCases(): CasesFrame {
    const offset = this.pos - this.declStart;
    this.expectByte(CH_LBRACE, '{');
    this.skipSpace();
    return { type: FrameType.Cases, items: [], offset, pendingItem: null };
  }

  /** Read `%item => { body }` prongs separated by `,` until `}`. */
  private continueCases(f: CasesFrame, delivered: BodyValue | null): Frame | null {
    if (delivered !== null) {
      const item = f.pendingItem!;
      const prong: SwitchCaseValue = { kind: 'switch_case', item, body: delivered, offset: item.offset };
      f.items.push(prong);
      f.pendingItem = null;
      this.skipSpace();
      if (this.src[this.pos] === CH_COMMA && this.pos < this.len) {
        this.pos++;
        this.skipSpace();
      } else {
        this.expectByte(CH_RBRACE, '}');
        return null;
      }
    } else if (this.src[this.pos] === CH_RBRACE && this.pos < this.len) {
      this.pos++;
      return null;
    }
    f.pendingItem = this.parseRef();
    this.skipSpace();
    if (this.src[this.pos] !== CH_EQ || this.src[this.pos + 1] !== CH_GT || this.pos + 1 >= this.len) {
      this.failExpected('=>');
    }
    this.pos += 2;
    this.skipSpace();
    return this.beginBody();
  }

  // --- argument values ------------------------------------------------------------

  private parseValue(kind: ArgKind): ArgValue {
    switch (kind.kind) {
      case 'ref':
        return this.parseRef();
      case 'ref_list':
        return this.parseList(false);
      case 'string':
        return this.parseString();
      case 'string_list':
        return this.parseList(true);
      case 'int':
        return this.parseInt();
      case 'usize':
        return this.parseUsize();
      case 'bool':
        return this.parseBool();
      case 'enum':
        return this.parseEnum(kind.typeName, kind.members);
      case 'string_or_ref':
        return this.src[this.pos] === CH_QUOTE ? this.parseString() : this.parseRef();
      case 'decl_name':
        return this.parseDeclName();
      case 'special':
        return this.fail(this.pos, kind.message);
      case 'body':
      case 'switch_cases':
        // Only positionals hold bodies; the frame machine handles them.
        throw new Error(`schema error: ${kind.kind} in a keyword argument`);
    }
  }

  /** `@name` or `%name`. */
  private parseRef(): RefValue {
    const at = this.pos;
    const c = this.src[at];
    if (at >= this.len || (c !== CH_AT && c !== CH_PERCENT)) this.failByte(at);
    if (c === CH_PERCENT && this.bodyDepth === 0) this.fail(at, 'referencing a % instruction in global scope');
    this.pos++;
    const name = this.readName();
    if (c === CH_PERCENT) {
      if (!this.isLocal(this.nameId)) this.fail(at, `unrecognized identifier: %${nameForDisplay(name)}`);
      return { kind: 'ref', scope: 'local', name, id: this.nameId, offset: at - this.declStart };
    }
    return { kind: 'ref', scope: 'decl', name, id: this.nameId, offset: at - this.declStart };
  }

  /** `[ref, ...]` or `["...", ...]`. */
  private parseList(strings: boolean): ListValue {
    const offset = this.pos - this.declStart;
    this.expectByte(CH_LBRACKET, '[');
    this.skipSpace();
    const items: ArgValue[] = [];
    if (this.src[this.pos] === CH_RBRACKET && this.pos < this.len) {
      this.pos++;
      return { kind: 'list', items, offset };
    }
    for (;;) {
      items.push(strings ? this.parseString() : this.parseRef());
      this.skipSpace();
      if (this.src[this.pos] !== CH_COMMA || this.pos >= this.len) break;
      this.pos++;
      this.skipSpace();
    }
    this.expectByte(CH_RBRACKET, ']');
    return { kind: 'list', items, offset };
  }

  private parseString(): StringValue {
    const at = this.pos;
    if (this.src[at] !== CH_QUOTE || at >= this.len) this.failByte(at);
    const r = decodeStringLiteral(this.src, at);
    if (!r.ok) this.fail(r.offset, r.message);
    this.pos = r.end;
    return { kind: 'string', bytes: r.bytes, offset: at - this.declStart };
  }

  /** `export`'s decl name: a string, or the 2020 `@decl` meaning the string "decl". */
  private parseDeclName(): ArgValue {
    const c = this.src[this.pos];
    if (c === CH_QUOTE) return this.parseString();
    const ref = this.parseRef();
    if (ref.scope === 'local') return ref;
    return { kind: 'string', bytes: latin1Bytes(ref.name), offset: ref.offset };
  }

  /** `-`? digits, with 0x/0o/0b prefixes and `_` separators; arbitrary size. */
  private parseInt(): ArgValue {
    const src = this.src;
    const start = this.pos;
    let i = start;
    const negative = src[i] === CH_MINUS;
    if (negative) i++;
    const tokenStart = i;
    while (i < this.len && INT_TOKEN_BYTE[src[i]!] === 1) i++;
    if (i === tokenStart) this.failByte(i);
    const tokenEnd = i;
    this.pos = tokenEnd;

    let base = 10;
    let d = tokenStart;
    if (src[d] === 0x30 && tokenEnd - d >= 2) {
      const p = src[d + 1];
      if (p === 0x78) base = 16;
      else if (p === 0x6f) base = 8;
      else if (p === 0x62) base = 2;
      if (base !== 10) d += 2;
    }
    const digitsStart = d;
    // Fast path: a short plain decimal.
    let small = 0;
    let plain = base === 10 && tokenEnd - digitsStart <= 15;
    for (let k = digitsStart; k < tokenEnd; k++) {
      const c = src[k]!;
      if (c === 0x5f) {
        // `_` only between digits (or right after a 0x/0o/0b prefix, as Zig allows).
        plain = false;
        if ((k === digitsStart && base === 10) || k + 1 === tokenEnd) this.fail(k, 'invalid digit in integer literal');
        if (src[k + 1] === 0x5f) this.fail(k + 1, 'invalid digit in integer literal');
        continue;
      }
      const v = digitValue(c);
      if (v < 0 || v >= base) this.fail(k, 'invalid digit in integer literal');
      small = small * 10 + v;
    }
    if (tokenEnd === digitsStart) this.fail(tokenEnd, 'invalid digit in integer literal');
    let value: bigint;
    if (plain) {
      value = small < SMALL_BIGINTS.length ? SMALL_BIGINTS[small]! : BigInt(small);
    } else {
      let text = latin1String(this.buf, digitsStart, tokenEnd).replaceAll('_', '');
      if (base === 16) text = '0x' + text;
      else if (base === 8) text = '0o' + text;
      else if (base === 2) text = '0b' + text;
      value = BigInt(text);
    }
    return { kind: 'int', value: negative ? -value : value, offset: start - this.declStart };
  }

  private parseUsize(): ArgValue {
    const at = this.pos;
    const v = this.parseInt() as { kind: 'int'; value: bigint; offset: number };
    if (v.value < 0n) this.fail(at, 'integer literal: NegativeIntoUnsigned');
    if (v.value >= 1n << 64n) this.fail(at, 'integer literal: TargetTooSmall');
    return v;
  }

  private parseBool(): ArgValue {
    const at = this.pos;
    if (at >= this.len) this.failByte(at);
    const c = this.src[at]!;
    if (c !== 0x30 && c !== 0x31) this.fail(at, `expected '0' or '1' for boolean value, found ${showByte(c)}`);
    this.pos++;
    return { kind: 'bool', value: c === 0x31, offset: at - this.declStart };
  }

  private parseEnum(typeName: string, members: readonly string[]): ArgValue {
    const at = this.pos;
    const text = this.readName();
    if (!enumSet(members).has(text)) {
      this.fail(at, `tag '${nameForDisplay(text)}' not a member of enum '${typeName}'`);
    }
    return { kind: 'word', text, offset: at - this.declStart };
  }
}

/** Source bytes between two heap checks of `parseModule`. */
const HEAP_CHECK_INTERVAL = 8 << 20;

/** Shared bigints for the common small literals (bigints are immutable). */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

function findKwarg(schema: TagSchema, kw: string): ParamSchema | undefined {
  const kwargs = schema.kwargs;
  for (let i = 0; i < kwargs.length; i++) if (kwargs[i]!.name === kw) return kwargs[i];
  return undefined;
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return -1;
}
