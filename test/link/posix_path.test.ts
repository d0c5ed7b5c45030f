// The core's POSIX path arithmetic (src/link/posix_path.ts) agrees with node:path's posix
// functions on every path built from a small alphabet of names, separators, `.` and `..`:
// directoryOf = dirname, baseName = basename, resolveFrom = resolve for an absolute dir
// (and join for a relative one, since the core knows no working directory).

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseName, directoryOf, joinPath, normalizePath, resolveFrom } from '../../src/link/posix_path.js';

const PARTS = ['a', 'bc', '.', '..', '', '.x'];

function* paths(depth: number): Generator<string> {
  if (depth === 0) return;
  for (const p of PARTS) {
    yield p;
    for (const rest of paths(depth - 1)) yield `${p}/${rest}`;
  }
}

const samples = [...new Set([...paths(4)].flatMap((p) => [p, `/${p}`, `${p}/`]))].filter((p) => p !== '');

describe('posix_path', () => {
  it(`agrees with node:path on ${samples.length} paths`, () => {
    for (const p of samples) {
      // node:path keeps a doubled slash before the last name (`a//b` → `a/`); the same directory.
      expect(directoryOf(p), `directoryOf(${p})`).toBe(path.posix.dirname(p).replace(/(.)\/+$/, '$1'));
      expect(baseName(p), `baseName(${p})`).toBe(path.posix.basename(p));
      expect(normalizePath(p).replace(/\/$/, '') || '/', `normalizePath(${p})`).toBe(path.posix.normalize(p).replace(/(.)\/$/, '$1'));
      expect(resolveFrom('/base/dir', p), `resolveFrom(/base/dir, ${p})`).toBe(path.posix.resolve('/base/dir', p));
      expect(joinPath('rel/dir', p), `joinPath(rel/dir, ${p})`).toBe(path.posix.join('rel/dir', p).replace(/(.)\/$/, '$1'));
    }
  });
});
