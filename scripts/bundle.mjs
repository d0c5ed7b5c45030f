//! Writes dist/zirc.bundle.mjs: the whole CLI (zirc, zirc-ld, zirc-wasm-ld) and its
//! dependencies in one ES module, so that starting a command loads one file instead of
//! some hundred. Bundles what tsc emitted into dist/ (run after it: `npm run build`).
//! The bins load the bundle when it is at least as new as dist/, else dist/'s modules.
//!
//! A few modules find files beside themselves through `import.meta.url` (package.json
//! for --version, the watch compile worker, bin/zirc.js); in one bundle that URL would be
//! the bundle's, so each module's `import.meta.url` is rewritten to the URL its dist/
//! twin has. The watch compile worker is therefore still loaded from dist/.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
export const BUNDLE = path.join(dist, 'zirc.bundle.mjs');

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
      const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

export async function writeBundle() {
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'zirc-bundle-entry.js', loader: 'js' },
    bundle: true,
    format: 'esm',
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
    // commander is CommonJS: its require() of Node's modules needs a real require in ESM.
    banner: { js: "import { createRequire as __zircCreateRequire } from 'node:module';\nconst require = __zircCreateRequire(import.meta.url);" },
  });
  // Write beside, then rename: a bin started during the build reads the old or the new file, never half of one.
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeBundle();
}
