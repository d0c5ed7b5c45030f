//! The `producers` section of the module, merged as wasm-ld merges it: the `language`,
//! `processed-by` and `sdk` fields of every loaded object's `producers` section, each value
//! kept once by name (the first version seen), in link order. A malformed section in an
//! input is skipped: it is informational, never worth failing a link for. Also the
//! `target_features` section: every feature some object uses ('+' or '='), as '+'.

import type { LinkContext } from './context.js';
import { encodeUleb } from './leb.js';

const FIELDS = ['language', 'processed-by', 'sdk'];
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function readProducers(data: Uint8Array): Array<[string, Array<[string, string]>]> | null {
  let p = 0;
  const uleb = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= data.length) throw new Error('truncated');
      const b = data[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return v;
    }
  };
  const str = () => {
    const n = uleb();
    if (p + n > data.length) throw new Error('truncated');
    const s = decoder.decode(data.subarray(p, p + n));
    p += n;
    return s;
  };
  try {
    const fields: Array<[string, Array<[string, string]>]> = [];
    for (let f = uleb(); f > 0; f--) {
      const name = str();
      const values: Array<[string, string]> = [];
      for (let v = uleb(); v > 0; v--) values.push([str(), str()]);
      fields.push([name, values]);
    }
    return fields;
  } catch {
    return null;
  }
}

/** The whole `producers` custom section (id, size, name, payload), or null when no input has one. */
export function producersSection(ctx: LinkContext): Uint8Array | null {
  const merged = new Map<string, Array<[string, string]>>(FIELDS.map((f) => [f, []]));
  for (const o of ctx.order) {
    const obj = ctx.objects[o]!.obj;
    for (const i of obj.customSections) {
      const sec = obj.sections[i]!;
      if (sec.name !== 'producers') continue;
      for (const [field, values] of readProducers(sec.data) ?? []) {
        const into = merged.get(field);
        if (!into) continue;
        for (const v of values) if (!into.some((x) => x[0] === v[0])) into.push(v);
      }
    }
  }
  const present = FIELDS.filter((f) => merged.get(f)!.length > 0);
  if (present.length === 0) return null;
  const out: number[] = [];
  const str = (s: string) => {
    const b = encoder.encode(s);
    out.push(...encodeUleb(b.length), ...b);
  };
  str('producers');
  out.push(...encodeUleb(present.length));
  for (const f of present) {
    str(f);
    const values = merged.get(f)!;
    out.push(...encodeUleb(values.length));
    for (const [name, version] of values) {
      str(name);
      str(version);
    }
  }
  return Uint8Array.from([0, ...encodeUleb(out.length), ...out]);
}

/** The features the inputs use ('+' or '=' in their target_features), sorted. */
export function usedFeatures(ctx: LinkContext): string[] {
  const used = new Set<string>();
  for (const o of ctx.order) for (const f of ctx.objects[o]!.obj.targetFeatures ?? []) if (f.prefix !== '-') used.add(f.name);
  return [...used].sort();
}

/** The whole `target_features` custom section, or null when no input uses a feature. */
export function targetFeaturesSection(ctx: LinkContext): Uint8Array | null {
  const features = usedFeatures(ctx);
  if (features.length === 0) return null;
  const out: number[] = [];
  const str = (s: string) => {
    const b = encoder.encode(s);
    out.push(...encodeUleb(b.length), ...b);
  };
  str('target_features');
  out.push(...encodeUleb(features.length));
  for (const f of features) {
    out.push(0x2b);
    str(f);
  }
  return Uint8Array.from([0, ...encodeUleb(out.length), ...out]);
}
