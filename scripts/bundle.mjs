//! Writes dist/zirc.bundle.cjs: the whole CLI (zirc, zirc-ld, zirc-wasm-ld) and its
//! dependencies in one CommonJS module, so that starting a command loads one file instead
//! of some hundred, and then its code cache (bin/bundle_loader.js) from a training build
//! of a small program. Bundles what tsc emitted into dist/ (run after it: `npm run
//! build`). The bins load the bundle when it is at least as new as dist/, else dist/'s
//! modules. CommonJS because Node 20 can give a script, not an ES module, a code cache.
//!
//! A few modules find files beside themselves through `import.meta.url` (package.json
//! for --version, the watch compile worker, bin/zirc.js); in one bundle that URL would be
//! the bundle's, so each module's `import.meta.url` is rewritten to the URL its dist/
//! twin has. The watch compile worker is therefore still loaded from dist/.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
export const BUNDLE = path.join(dist, 'zirc.bundle.cjs');
const CODE_CACHE = path.join(dist, 'zirc.bundle.cache');

// What the three bins call; bin/*.js import these names from the bundle.
const ENTRY = `
export { main } from './dist/cli/main.js';
export { isWatchCommand, ldCommand, ldWatchCommand } from './dist/cli/ld/ld_command.js';
export { isWasmWatchCommand, wasmLdCommand, wasmLdWatchCommand } from './dist/cli/wasm_ld/wasm_ld_command.js';
`;

/** Each dist/ module keeps its own `import.meta.url`, computed from the bundle's. */
const distModuleUrls = {
  name: 'dist-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const relative = './' + path.relative(dist, args.path).split(path.sep).join('/');
      const url = `new URL(${JSON.stringify(relative)}, __zircBundleUrl).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

export async function writeBundle() {
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'zirc-bundle-entry.js', loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: BUNDLE,
    write: false,
    logLevel: 'warning',
    // Not minified: that saved a few ms of CPU and no measurable wall time, and a profile
    // (--cpu-prof) of the bins keeps readable lines. The source map leads stack traces
    // back to src/ under `node --enable-source-maps`.
    sourcemap: 'linked',
    plugins: [distModuleUrls],
    banner: { js: "const __zircBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // Write beside, then rename: a bin started during the build reads the old or the new file, never half of one.
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
}

/**
 * Builds a small generated program through bin/zirc.js with the cache refreshed at exit,
 * so that the first start after a build finds a cache of what a build compiles. A failed
 * training leaves no cache: the first run of a bin writes one.
 */
export async function trainCodeCache() {
  fs.rmSync(CODE_CACHE, { force: true });
  const { generateProgram } = await import(pathToFileURL(path.join(dist, 'bench', 'generate.js')).href);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-code-cache-'));
  try {
    const source = path.join(dir, 'train.zir');
    fs.writeFileSync(source, generateProgram({ shape: 'chain', functions: 200 }).source);
    spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'build', source, '-o', path.join(dir, 'train')], {
      env: { ...process.env, ZIRC_REFRESH_CODE_CACHE: '1' },
      stdio: 'ignore',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The ES module bundle that builds before this one wrote; nothing loads it now.
  for (const stale of ['zirc.bundle.mjs', 'zirc.bundle.mjs.map']) fs.rmSync(path.join(dist, stale), { force: true });
  await writeBundle();
  await trainCodeCache();
}
