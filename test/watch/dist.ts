// The watch process tests run the built command (bin/zirc.js → dist/zirc.bundle.cjs, or
// dist/'s modules when the bundle is older than them). `npm test` builds first; when run
// alone (`npx vitest run test/watch`) this builds dist/ if it is missing or older than the
// watcher's own sources, and then the bundle if it is missing or older than dist/, under a
// lock shared by the test files. (Only the watcher's sources: rebuilding for every edit
// elsewhere in src/ would rewrite dist/ under test files that are already running.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const root = path.join(__dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function isDistFresh(): boolean {
  const marker = path.join(root, 'dist', 'cli', 'watch', 'json_client.js');
  if (!fs.existsSync(marker) || !fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) return false;
  const sources = Math.max(
    newestMtime(path.join(root, 'src', 'cli', 'watch')),
    fs.statSync(path.join(root, 'src', 'cli', 'watch.ts')).mtimeMs,
    fs.statSync(path.join(root, 'src', 'bench', 'watch_latency.ts')).mtimeMs,
  );
  return fs.statSync(marker).mtimeMs >= sources;
}

/** The bundle the bins load is there and at least as new as dist/ (tsc rewrites every file of dist/). */
function isBundleFresh(): boolean {
  const bundle = fs.statSync(path.join(root, 'dist', 'zirc.bundle.cjs'), { throwIfNoEntry: false });
  const compiled = fs.statSync(path.join(root, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  return bundle !== undefined && compiled !== undefined && bundle.mtimeMs >= compiled.mtimeMs;
}

function isFresh(): boolean {
  return isDistFresh() && isBundleFresh();
}

export async function ensureBuilt(): Promise<void> {
  if (isFresh()) return;
  const lock = path.join(root, 'dist.watch-test-lock');
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs! > 180_000) fs.rmSync(lock, { recursive: true, force: true }); // left by a killed run
      await new Promise((r) => setTimeout(r, 200)); // another test file is building
      if (isFresh()) return;
    }
  }
  try {
    // Type errors in files still being written elsewhere do not stop tsc from emitting.
    if (!isDistFresh()) spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root });
    // A bundle that fails to build (an import that does not resolve yet) is left old: the bins then load dist/.
    if (!isBundleFresh()) spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root });
  } finally {
    fs.rmdirSync(lock);
  }
}
