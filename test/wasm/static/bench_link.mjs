// Times zirc wasm-ld against LLVM's wasm-ld on a generated program: N objects of F
// functions each (every function takes the address of the next, so the table and the
// relocations are exercised), linked with wasi-libc as clang links. Not a test: run it by
// hand after `npm run build`:  node test/wasm/static/bench_link.mjs [N=1000] [F=100]
// Objects are compiled once into $TMPDIR/zirc-wasm-bench-N-F and reused.

import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const N = Number(process.argv[2] ?? 1000);
const F = Number(process.argv[3] ?? 100);
const repo = path.resolve(import.meta.dirname, '../../..');
const dir = path.join(os.tmpdir(), `zirc-wasm-bench-${N}-${F}`);
fs.mkdirSync(dir, { recursive: true });

function source(i) {
  const lines = ['int printf(const char *, ...);', `int data${i}[4] = { ${i}, 1, 2, 3 };`];
  lines.push(`int f${i}_${F - 1}(int x) { return x > 0 ? data${i}[x & 3] + ${F - 1} : 0; }`);
  for (let j = F - 2; j >= 0; j--) {
    lines.push(`int f${i}_${j}(int x) { int (*p)(int) = f${i}_${j + 1}; return x > 0 ? p(x - 1) + data${i}[x & 3] : ${j}; }`);
  }
  if (i === 0) {
    for (let k = 1; k < N; k++) lines.push(`int f${k}_0(int);`);
    lines.push(`int main(void) { int s = 0; ${Array.from({ length: N }, (_, k) => `s += f${k}_0(3);`).join(' ')} printf("%d\\n", s); return 0; }`);
  }
  return `${lines.join('\n')}\n`;
}

async function compileAll() {
  const todo = [];
  for (let i = 0; i < N; i++) {
    const o = path.join(dir, `m${i}.o`);
    if (!fs.existsSync(o)) todo.push(i);
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = todo[next++];
      const c = path.join(dir, `m${i}.c`);
      fs.writeFileSync(c, source(i));
      await new Promise((resolve, reject) => {
        const p = spawn('clang', ['--target=wasm32-wasi', '-O1', '-c', c, '-o', path.join(dir, `m${i}.o`)], { stdio: 'inherit' });
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`clang failed on ${c}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
}

function time(tool, args) {
  const t0 = performance.now();
  execFileSync(tool, args, { stdio: 'inherit' });
  return (performance.now() - t0) / 1000;
}

await compileAll();
const objects = Array.from({ length: N }, (_, i) => path.join(dir, `m${i}.o`));
const builtins = execFileSync('clang', ['--target=wasm32-wasi', '-print-libgcc-file-name'], { encoding: 'utf8' }).trim();
const line = (out) => ['-m', 'wasm32', '-L/usr/lib/wasm32-wasi', '/usr/lib/wasm32-wasi/crt1-command.o', ...objects, '-lc', builtins, '-o', out];
const ref = path.join(dir, 'ref.wasm');
const zirc = path.join(dir, 'zirc.wasm');
const rounds = 5;
const lld = [];
const ours = [];
for (let r = 0; r < rounds; r++) {
  lld.push(time('wasm-ld', line(ref)));
  ours.push(time(process.execPath, [path.join(repo, 'bin', 'zirc-wasm-ld.js'), ...line(zirc)]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${N} objects, ${N * F} functions: wasm-ld ${median(lld).toFixed(3)} s, zirc wasm-ld ${median(ours).toFixed(3)} s (median of ${rounds}), ratio ${(median(ours) / median(lld)).toFixed(2)}`);
