//! Which build of the CLI a bin loads: dist/zirc.bundle.cjs, the whole CLI in one module
//! (`npm run build` writes it after tsc), run with its code cache (bundle_loader.js), when
//! it is at least as new as dist/'s modules; else dist/'s modules themselves (the bundle
//! is missing, or a bare `tsc` rebuilt dist/ after it). Node's compile cache is turned on
//! first where Node has it (22.1 and later): it serves dist/'s modules.
import { statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle_loader.js';

/** Imports the CLI: the bundle, or `distModule` (a path relative to bin/). */
export function loadCli(distModule) {
  module.enableCompileCache?.();
  const bundle = new URL('../dist/zirc.bundle.cjs', import.meta.url);
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(new URL('../dist/cli/main.js', import.meta.url), { throwIfNoEntry: false });
  const fresh = bundled !== undefined && (compiled === undefined || bundled.mtimeMs >= compiled.mtimeMs);
  if (fresh) return Promise.resolve(loadBundle(fileURLToPath(bundle), process.env.ZIRC_REFRESH_CODE_CACHE === '1'));
  return import(new URL(distModule, import.meta.url).href);
}
