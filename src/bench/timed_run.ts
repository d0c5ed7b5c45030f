//! One command run as the benches time it: spawned, timed from the spawn to its exit
//! (after its stderr closed), with its peak resident memory read by GNU time (`%M`) or,
//! without it, by polling `/proc/<pid>/status` (VmHWM).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { msSince } from './stats.js';

export const GNU_TIME = '/usr/bin/time';

export interface Exit {
  code: number | null;
  ms: number;
  rssMiB: number | null;
  stderr: string;
}

/** Spawns `cmd args` in `cwd` and resolves at its exit, timed from the spawn. */
export function timedRun(cmd: string, args: string[], cwd: string, rss: 'none' | 'gnu-time' | 'proc'): Promise<Exit> {
  return new Promise((resolve) => {
    const rssFile = path.join(cwd, '.maxrss');
    const [exe, argv] = rss === 'gnu-time' ? [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
    let stderr = '';
    let hwmKiB = 0;
    const start = process.hrtime.bigint();
    const child = spawn(exe, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    let poll: NodeJS.Timeout | null = null;
    if (rss === 'proc' && child.pid !== undefined) {
      const status = `/proc/${child.pid}/status`;
      poll = setInterval(() => {
        try {
          const m = fs.readFileSync(status, 'utf8').match(/^VmHWM:\s*(\d+)\s*kB$/m);
          if (m) hwmKiB = Math.max(hwmKiB, Number(m[1]));
        } catch {
          // gone
        }
      }, 2);
    }
    const finish = (code: number | null): void => {
      const ms = msSince(start);
      if (poll) clearInterval(poll);
      let rssMiB: number | null = null;
      if (rss === 'gnu-time') {
        const kib = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        rssMiB = Number.isFinite(kib) ? kib / 1024 : null;
      } else if (rss === 'proc') rssMiB = hwmKiB > 0 ? hwmKiB / 1024 : null;
      resolve({ code, ms, rssMiB, stderr });
    };
    child.on('error', (e) => {
      stderr += e.message;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}
