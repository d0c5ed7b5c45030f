//! Builds the playground (web/) into static files in dist/web/: the page's script, the
//! compile worker (zirc/core, src/core.ts, with no Node in it) and the run worker, each
//! one ES module bundled by esbuild, beside index.html and styles.css.
//!
//! iced-x86's npm build is wasm-bindgen's Node flavour (it requires `util` and reads its
//! .wasm with `fs`); one small plugin gives it the browser's TextDecoder and its .wasm
//! bytes inlined instead.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(root, 'dist', 'web');

const icedForBrowser = {
  name: 'iced-x86-for-browser',
  setup(build) {
    build.onLoad({ filter: /iced-x86[\\/]iced_x86\.js$/ }, async (args) => {
      let text = await fs.promises.readFile(args.path, 'utf8');
      text = text.replace('require(`util`)', 'globalThis');
      text = text.replace(
        /const path = require\('path'\)\.join\(__dirname, 'iced_x86_bg\.wasm'\);\s*const bytes = require\('fs'\)\.readFileSync\(path\);/,
        "const bytes = require('./iced_x86_bg.wasm'); // esbuild's binary loader: a Uint8Array",
      );
      if (text.includes("require('fs')") || text.includes('require(`util`)')) throw new Error('iced-x86: the Node parts were not replaced');
      return { contents: text, loader: 'js' };
    });
  },
};

export async function buildWeb() {
  fs.mkdirSync(WEB_DIST, { recursive: true });
  await esbuild.build({
    entryPoints: {
      main: path.join(root, 'web/src/main.ts'),
      worker: path.join(root, 'web/src/worker.ts'),
      run_worker: path.join(root, 'web/src/run_worker.ts'),
    },
    outdir: WEB_DIST,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    loader: { '.zir': 'text', '.wasm': 'binary' },
    plugins: [icedForBrowser],
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(root, 'web', file), path.join(WEB_DIST, file));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb();
  console.log(`built ${path.relative(process.cwd(), WEB_DIST) || WEB_DIST}`);
}
