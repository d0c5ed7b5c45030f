// `zirc build` of a program copying a [100000000]u8 array by value, on both targets: it
// used to unroll the copy (153 s, 4.7 GB). Now the copy is one instruction, so the build
// is as quick as any small program's; the time limit here only keeps a regression from
// hanging the suite (speed itself is measured by the benchmarks, not by tests).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');

const source = `@u8 = primitive(u8)
@u32 = primitive(u32)
@usize = primitive(usize)
@noreturn = primitive(noreturn)
@void = primitive(void)
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@start_ty = fntype([], @noreturn, cc=C)
@start_name = str("_start")
@start_export = export(@start_name, "entry")
@zero = int(0)
@big = int(100000000)
@entry = fn(@start_ty, {
  %t = array_type(@big, @u8)
  %a = alloc(%t)
  %v = deref(%a)
  %r = ref(%v)
  %z = as(@u32, @zero)
  %bye = call(@proc_exit, [%z])
})
`;

describe('zirc build of a 100,000,000-byte array copy', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi']) {
    it(`builds quickly to a small output [${target}]`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-array-copy-'));
      const src = path.join(dir, 'array_copy.zir');
      const out = path.join(dir, 'out');
      fs.writeFileSync(src, source);
      const r = spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'build', '-t', target, src, '-o', out], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(fs.statSync(out).size).toBeLessThan(1 << 20);
      fs.rmSync(dir, { recursive: true, force: true });
    }, 30_000);
  }
});
