//! Test helper: random but valid ZIR trees (every tag of the schema, every argument kind,
//! nested bodies, locals visible only after their instruction), built from a seed so that
//! fast-check can drive them. Offsets are 0: round trips compare trees without offsets.

import type { ArgValue, BodyValue, Decl, Inst, Local, Module, RefValue } from '../../src/zir/ast.js';
import type { ArgKind } from '../../src/zir/schema.js';
import { allTags } from '../../src/zir/schema.js';

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
}

/** Bytes that stress the printer and the splitter when they appear inside strings. */
const STRING_ALPHABET = [...'@={}()[];%"\\\n\r\t ,abc'].map((c) => c.charCodeAt(0)).concat([0, 0x7f, 0x80, 0xc3, 0xa9, 0xff]);
/** Name bytes: anything but the delimiters, including `@`, `%`, `$`, `.` and high bytes. */
const NAME_ALPHABET = 'abcxyz019_$.@%\'\\'.split('').concat(['\u00e9', '\u00ff', '\u0080']);

const TAGS = allTags().filter((t) => t.positionals.every((p) => p.kind.kind !== 'special'));

export function randomModule(seed: number, maxDecls = 6): Module {
  const rng = new Rng(seed);
  const declNames = new Set<string>();
  const decls: Decl[] = [];
  const n = 1 + rng.int(maxDecls);
  for (let i = 0; i < n; i++) {
    let name = randomName(rng);
    while (declNames.has(name)) name += rng.pick(NAME_ALPHABET);
    declNames.add(name);
    const builder = new DeclBuilder(rng, [...declNames]);
    decls.push({ name, start: 0, end: 0, inst: builder.inst(0) });
  }
  return { decls };
}

function randomName(rng: Rng): string {
  let s = '';
  const len = 1 + rng.int(6);
  for (let i = 0; i < len; i++) s += rng.pick(NAME_ALPHABET);
  return s;
}

class DeclBuilder {
  private readonly visible: string[] = [];
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng, private readonly declNames: string[]) {}

  inst(depth: number): Inst {
    const schema = this.rng.pick(TAGS);
    const args = schema.positionals.map((p) => this.value(p.kind, depth));
    const kwargs = new Map<string, ArgValue>();
    for (const kw of schema.kwargs) if (this.rng.chance(0.4)) kwargs.set(kw.name, this.value(kw.kind, depth));
    return { tag: schema.tag, args, kwargs, offset: 0, tagOffset: 0 };
  }

  private ref(depth: number): RefValue {
    if (depth > 0 && this.visible.length > 0 && this.rng.chance(0.5)) {
      return { kind: 'ref', scope: 'local', name: this.rng.pick(this.visible), offset: 0 };
    }
    const name = this.rng.chance(0.7) ? this.rng.pick(this.declNames) : randomName(this.rng);
    return { kind: 'ref', scope: 'decl', name, offset: 0 };
  }

  private body(depth: number): BodyValue {
    const locals: Local[] = [];
    const n = depth >= 3 ? 0 : this.rng.int(4);
    for (let i = 0; i < n; i++) {
      let name = randomName(this.rng);
      while (this.used.has(name)) name += this.rng.pick(NAME_ALPHABET);
      this.used.add(name);
      const inst = this.inst(depth + 1);
      this.visible.push(name); // visible only once its instruction is complete
      locals.push({ name, offset: 0, inst });
    }
    return { kind: 'body', locals, offset: 0 };
  }

  private string(): ArgValue {
    const bytes = new Uint8Array(this.rng.int(10));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.rng.chance(0.7) ? this.rng.pick(STRING_ALPHABET) : this.rng.int(256);
    return { kind: 'string', bytes, offset: 0 };
  }

  private value(kind: ArgKind, depth: number): ArgValue {
    const rng = this.rng;
    switch (kind.kind) {
      case 'ref': return this.ref(depth);
      case 'ref_list': return { kind: 'list', items: Array.from({ length: rng.int(4) }, () => this.ref(depth)), offset: 0 };
      case 'body': return this.body(depth);
      case 'string': return this.string();
      case 'string_list': return { kind: 'list', items: Array.from({ length: rng.int(3) }, () => this.string()), offset: 0 };
      case 'int': {
        const big = BigInt(rng.next()) * BigInt(rng.next()) * (rng.chance(0.3) ? 1n << 100n : 1n);
        return { kind: 'int', value: rng.chance(0.3) ? -big : big, offset: 0 };
      }
      case 'usize': return { kind: 'int', value: (BigInt(rng.next()) << 32n) | BigInt(rng.next()), offset: 0 };
      case 'bool': return { kind: 'bool', value: rng.chance(0.5), offset: 0 };
      case 'enum': return { kind: 'word', text: rng.pick(kind.members), offset: 0 };
      case 'switch_cases': {
        const items: ArgValue[] = [];
        for (let i = rng.int(3); i > 0; i--) {
          const item = this.ref(depth);
          items.push({ kind: 'switch_case', item, body: this.body(depth), offset: 0 });
        }
        return { kind: 'list', items, offset: 0 };
      }
      case 'string_or_ref': return rng.chance(0.5) ? this.string() : this.ref(depth);
      case 'decl_name': return this.string();
      case 'special': throw new Error('special kinds have no text form');
    }
  }
}
