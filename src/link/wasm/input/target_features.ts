//! Decodes the `target_features` custom section: a vector of (prefix, feature name), the
//! prefix '+' (used), '-' (disallowed) or '=' (required of every object). The linker
//! checks the inputs' features against each other; this only reads them.

import type { ByteReader } from './byte_reader.js';
import type { TargetFeature } from './object_model.js';
import { hex } from './wasm_constants.js';

export function readTargetFeatures(r: ByteReader): TargetFeature[] {
  const n = r.count('feature count', 2);
  const features: TargetFeature[] = [];
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const prefix = String.fromCharCode(r.u8(`feature ${i} prefix`));
    if (prefix !== '+' && prefix !== '-' && prefix !== '=') r.fail(`feature ${i} has prefix ${hex(prefix.charCodeAt(0))}, expected '+', '-' or '='`, at);
    const name = r.name(`feature ${i} name`);
    if (names.has(name)) r.fail(`feature '${name}' is listed twice`, at);
    names.add(name);
    features.push({ prefix, name });
  }
  return features;
}
