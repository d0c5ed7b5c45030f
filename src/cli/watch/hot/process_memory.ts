//! Writes a swap into a running process: stop it (SIGSTOP) and wait until the kernel says
//! it is stopped, so it never runs between two writes; write each range through
//! `/proc/<pid>/mem` (which writes read-only and executable pages too, copy-on-write, so the
//! file the process runs from is never touched); let it go on (SIGCONT). Each step is timed.
//! Linux only; the writer must be allowed to trace the process (its parent is).

import * as fs from 'node:fs';
import type { HotWrite } from '../../../link/elf/hot_swap_log.js';
import { firstUnmappedWrite, parseProcMaps } from './proc_maps.js';

export interface SwapTimings {
  stopMs: number;
  writeMs: number;
  continueMs: number;
}

/** How long a process may take to show as stopped before the swap gives up. */
const STOP_TIMEOUT_MS = 500;

/** The process's state letter from `/proc/<pid>/stat` (`R`, `S`, `T`, `Z`...), or null if it is gone. */
export function processState(pid: number): string | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // `pid (comm) S ...`: comm may hold spaces and parentheses, so look after the last ')'.
  const close = text.lastIndexOf(')');
  return close < 0 ? null : (text[close + 2] ?? null);
}

/** Why the writes cannot go into the process's memory (a write outside what it mapped), or null. */
export function checkMapped(pid: number, writes: readonly HotWrite[]): string | null {
  let maps: string;
  try {
    maps = fs.readFileSync(`/proc/${pid}/maps`, 'latin1');
  } catch (err) {
    return `cannot read /proc/${pid}/maps: ${(err as Error).message}`;
  }
  const w = firstUnmappedWrite(parseProcMaps(maps), writes);
  return w ? `new code at 0x${w.vaddr.toString(16)} lies outside the memory the process mapped` : null;
}

/** A synchronous pause that gives the CPU away (the process to stop may need it to stop). */
const pauseCell = new Int32Array(new SharedArrayBuffer(4));
function pauseMs(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

function stopProcess(pid: number): void {
  process.kill(pid, 'SIGSTOP');
  const deadline = performance.now() + STOP_TIMEOUT_MS;
  for (let polls = 0; ; polls++) {
    const state = processState(pid);
    if (state === 't' || state === 'T') return;
    if (state === null || state === 'Z' || state === 'X') throw new Error(`process ${pid} ended`);
    if (performance.now() > deadline) throw new Error(`process ${pid} did not stop within ${STOP_TIMEOUT_MS} ms`);
    // It usually stops within microseconds; on a busy machine it must first be scheduled.
    if (polls >= 20) pauseMs(0.05);
  }
}

function writeMemory(pid: number, writes: readonly HotWrite[]): void {
  const fd = fs.openSync(`/proc/${pid}/mem`, 'r+');
  try {
    for (const w of writes) {
      const n = fs.writeSync(fd, w.bytes, 0, w.bytes.length, w.vaddr);
      if (n !== w.bytes.length) throw new Error(`short write at 0x${w.vaddr.toString(16)}: ${n} of ${w.bytes.length} bytes`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `writes` into process `pid` while it is stopped, in order, then lets it go on
 * (even when a write failed: a process is never left stopped). Throws if it could not.
 */
export function writeIntoProcess(pid: number, writes: readonly HotWrite[]): SwapTimings {
  const t0 = performance.now();
  let t1 = t0;
  let t2 = t0;
  try {
    stopProcess(pid);
    t1 = performance.now();
    writeMemory(pid, writes);
    t2 = performance.now();
  } finally {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // It ended while stopped (SIGKILL from elsewhere): nothing to continue.
    }
  }
  const t3 = performance.now();
  return { stopMs: t1 - t0, writeMs: t2 - t1, continueMs: t3 - t2 };
}
