//! Which build of the CLI a bin loads: dist/zirc.bundle.mjs, the whole CLI in one module
//! (`npm run build` writes it after tsc), when it is at least as new as dist/'s modules;
//! else dist/'s modules themselves (the bundle is missing, or a bare `tsc` rebuilt dist/
//! after it). Node's compile cache is turned on first where Node has it (22.1 and later).
import { statSync } from 'node:fs';
import module from 'node:module';

/** Imports the CLI: the bundle, or `distModule` (a path relative to bin/). */
export function loadCli(distModule) {
  module.enableCompileCache?.();
  const bundle = new URL('../dist/zirc.bundle.mjs', import.meta.url);
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(new URL('../dist/cli/main.js', import.meta.url), { throwIfNoEntry: false });
  const fresh = bundled !== undefined && (compiled === undefined || bundled.mtimeMs >= compiled.mtimeMs);
  return import(fresh ? bundle.href : new URL(distModule, import.meta.url).href);
}
