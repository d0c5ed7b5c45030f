//! What machine the bench ran on, read from /proc and the tools themselves: cpu model,
//! cores, memory, kernel, Node, and the versions of the C tools used for comparison.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memTotalMiB: number;
  kernel: string;
  node: string;
  os: string;
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModelFromProc() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memTotalMiB: memTotalFromProc() ?? Math.round(os.totalmem() / 1048576),
    kernel: os.release(),
    node: process.version,
    os: osReleaseName() ?? `${os.type()} ${os.release()}`,
  };
}

function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function cpuModelFromProc(): string | null {
  const text = readText('/proc/cpuinfo');
  const m = text?.match(/^model name\s*:\s*(.+)$/m);
  return m ? m[1].trim() : null;
}

function memTotalFromProc(): number | null {
  const text = readText('/proc/meminfo');
  const m = text?.match(/^MemTotal:\s*(\d+)\s*kB$/m);
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

function osReleaseName(): string | null {
  const text = readText('/etc/os-release');
  const m = text?.match(/^PRETTY_NAME="?([^"\n]+)"?$/m);
  return m ? m[1] : null;
}

/** First line of `tool --version`, or null when the tool is not installed. */
export function toolVersion(tool: string): string | null {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const line = (r.stdout || r.stderr).split('\n').find((l) => l.trim() !== '');
  return line ? line.trim() : null;
}
