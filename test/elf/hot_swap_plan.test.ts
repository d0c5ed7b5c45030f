// The hot-swapping ElfLinker (`hotSwap`): what it keeps for a running process and the plan
// it hands out. A changed function moves to space the process never ran and its slot is
// rewritten; old versions and freed slots are not reused until the next epoch; relocation
// fields patched in code that stayed are written; mutable data, `_start` and a whole
// write block the swap; the segments map room beyond their content. Also the pure helpers:
// /proc/<pid>/maps parsing, the mapped check, write coalescing.
import { OutputFile } from '../../src/link/elf/output_file.js';
import { nodeOutputIo } from '../../src/node/link/node_output_io.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { X86Function } from '../../src/codegen/x86_64/output.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../../src/codegen/x86_64/runtime.js';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import type { HotSwapPlan } from '../../src/link/elf/hot_swap_log.js';
import { coalesceWrites } from '../../src/link/elf/hot_swap_plan.js';
import { firstUnmappedWrite, parseProcMaps } from '../../src/cli/watch/hot/proc_maps.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(): { linker: ElfLinker; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-plan-'));
  dirs.push(dir);
  const file = path.join(dir, 'out');
  return { linker: ElfLinker.open(file, { runtime: generateRuntimeRoutine, wasiBuiltin: generateWasiBuiltin, hotSwap: true, sink: new OutputFile(file, nodeOutputIo) }), file };
}

/** `size` bytes of `fill` ending in `ret`. */
function code(fill: number, size = 16, relocs: X86Function['relocs'] = []): X86Function {
  const bytes = new Uint8Array(size).fill(fill);
  bytes[size - 1] = 0xc3;
  return { code: bytes, relocs };
}

/** `call [rip+slot of callee]` then `ret`: a got_rel32 at offset 2. */
function caller(callee: string): X86Function {
  return { code: Uint8Array.from([0xff, 0x15, 0, 0, 0, 0, 0xc3]), relocs: [{ offset: 2, kind: 'got_rel32', target: { kind: 'decl', name: callee }, addend: -4 }] };
}

/** A first build (`entry` calls `f`), flushed, and the epoch of a process started from it. */
function firstBuild(): ElfLinker {
  const { linker } = open();
  linker.updateFunc('f', code(0x90));
  linker.updateFunc('entry', caller('f'));
  linker.updateExports([{ symbolName: '_start', declName: 'entry' }]);
  linker.flush();
  expect(linker.takeHotSwapPlan().blocker).toMatch(/written whole/);
  linker.beginHotEpoch();
  return linker;
}

function u64(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
}

/** The bytes the plan writes from `vaddr` on, within the one write that holds `vaddr` (writes are coalesced). */
function writeAt(plan: HotSwapPlan, vaddr: number) {
  const w = plan.writes.find((x) => x.vaddr <= vaddr && vaddr < x.vaddr + x.bytes.length);
  return w && { vaddr, bytes: w.bytes.subarray(vaddr - w.vaddr) };
}

describe('hot-swapping ElfLinker', () => {
  it('moves a changed function (even one that would fit in place) and rewrites its slot', () => {
    const linker = firstBuild();
    const old = linker.addressOf('d:f')!;
    linker.updateFunc('f', code(0x91));
    linker.flush();
    const plan = linker.takeHotSwapPlan();
    const now = linker.addressOf('d:f')!;
    expect(now).not.toBe(old);
    expect(plan).toMatchObject({ blocker: null, functions: 1, slots: 1 });
    expect(Array.from(writeAt(plan, now)!.bytes.subarray(0, 16))).toEqual(Array.from(code(0x91).code));
    const slot = writeAt(plan, linker.gotAddressOf('d:f')!)!;
    expect(u64(slot.bytes)).toBe(now);
    // Code first, slots last.
    expect(plan.writes[plan.writes.length - 1]!.vaddr).toBe(slot.vaddr);
    // Nothing of the old version is written: it stays for calls still running in it.
    expect(plan.writes.some((w) => w.vaddr <= old && old < w.vaddr + w.bytes.length)).toBe(false);
  });

  it('reuses neither old code nor freed slots while the process may still run them, and does after the next epoch', () => {
    const linker = firstBuild();
    const oldF = linker.addressOf('d:f')!;
    const oldSlot = linker.gotAddressOf('d:f')!;
    linker.updateFunc('entry', caller('g'));
    linker.deleteSymbol('f');
    linker.updateFunc('g', code(0x92));
    linker.flush();
    const plan = linker.takeHotSwapPlan();
    expect(plan.blocker).toMatch(/_start/); // entry changed; the rest of the plan is still exact
    expect(Math.abs(linker.addressOf('d:g')! - oldF)).toBeGreaterThanOrEqual(16);
    expect(linker.gotAddressOf('d:g')).not.toBe(oldSlot);
    // The removed function's slot is not written: old code calling it still finds it.
    expect(writeAt(plan, oldSlot)).toBeUndefined();
    linker.beginHotEpoch();
    linker.updateFunc('h', code(0x93));
    linker.updateFunc('entry', caller('h'));
    linker.flush();
    linker.takeHotSwapPlan();
    // A process started after the removal never had f: its slot may be reused now.
    expect(linker.gotAddressOf('d:h')).toBe(oldSlot);
  });

  it('gives a function replaced with all its callers (as when its type changes) a new slot; old callers keep the old one', () => {
    const linker = firstBuild();
    linker.updateFunc('g', caller('f'));
    linker.updateFunc('entry', caller('g'));
    linker.flush();
    linker.takeHotSwapPlan();
    linker.beginHotEpoch();
    const oldSlot = linker.gotAddressOf('d:f')!;
    // f alone: its callers are unchanged, so its type is too; the same slot is rewritten.
    linker.updateFunc('f', code(0x95));
    linker.flush();
    let plan = linker.takeHotSwapPlan();
    expect(linker.gotAddressOf('d:f')).toBe(oldSlot);
    expect(u64(writeAt(plan, oldSlot)!.bytes)).toBe(linker.addressOf('d:f'));
    // f with its only caller g: f gets a new slot, the new g calls through it, the old slot is not written.
    linker.updateFunc('f', code(0x96, 32));
    linker.updateFunc('g', { ...caller('f'), code: Uint8Array.from([0x90, 0xff, 0x15, 0, 0, 0, 0, 0xc3]), relocs: [{ offset: 3, kind: 'got_rel32', target: { kind: 'decl', name: 'f' }, addend: -4 }] });
    linker.flush();
    plan = linker.takeHotSwapPlan();
    const newSlot = linker.gotAddressOf('d:f')!;
    expect(newSlot).not.toBe(oldSlot);
    expect(plan.blocker).toBeNull();
    expect(writeAt(plan, oldSlot)).toBeUndefined();
    expect(u64(writeAt(plan, newSlot)!.bytes)).toBe(linker.addressOf('d:f'));
    const g = writeAt(plan, linker.addressOf('d:g')!)!;
    const disp = new DataView(g.bytes.buffer, g.bytes.byteOffset + 3, 4).getInt32(0, true);
    expect(linker.addressOf('d:g')! + 7 + disp).toBe(newSlot);
  });

  it('writes the relocation fields it patches in code that did not move', () => {
    const linker = firstBuild();
    linker.updateData({ name: 'k', bytes: new Uint8Array([1, 2, 3, 4]), align: 4, relocs: [], section: 'rodata' });
    const user: X86Function = { code: Uint8Array.from([0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xc3]), relocs: [{ offset: 3, kind: 'rel32', target: { kind: 'decl', name: 'k' }, addend: -4 }] };
    linker.updateFunc('user', user);
    linker.flush();
    linker.takeHotSwapPlan();
    const userAt = linker.addressOf('d:user')!;
    linker.updateData({ name: 'k', bytes: new Uint8Array([5, 6, 7, 8]), align: 4, relocs: [], section: 'rodata' });
    linker.flush();
    const plan = linker.takeHotSwapPlan();
    expect(plan).toMatchObject({ blocker: null, functions: 0, slots: 0 });
    expect(linker.addressOf('d:user')).toBe(userAt);
    const field = writeAt(plan, userAt + 3)!;
    const disp = new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getInt32(0, true);
    expect(userAt + 7 + disp).toBe(linker.addressOf('d:k'));
    expect(Array.from(writeAt(plan, linker.addressOf('d:k')!)!.bytes.subarray(0, 4))).toEqual([5, 6, 7, 8]);
  });

  it('blocks the swap of mutable data and of `_start`', () => {
    const linker = firstBuild();
    linker.updateData({ name: 'counter', bytes: new Uint8Array(8), align: 8, relocs: [], section: 'data' });
    linker.flush();
    expect(linker.takeHotSwapPlan().blocker).toMatch(/global 'counter' was added/);
    linker.updateData({ name: 'counter', bytes: new Uint8Array(8).fill(1), align: 8, relocs: [], section: 'data' });
    linker.flush();
    expect(linker.takeHotSwapPlan().blocker).toMatch(/global 'counter' changed/);
    linker.updateFunc('entry', code(0x94));
    linker.flush();
    expect(linker.takeHotSwapPlan().blocker).toMatch(/`_start` changed/);
  });

  it('maps room beyond the content of the code, read-only data and offset-table segments', () => {
    const { linker, file } = open();
    linker.updateFunc('entry', code(0x90));
    linker.updateData({ name: 'k', bytes: new Uint8Array(4), align: 1, relocs: [], section: 'rodata' });
    linker.updateExports([{ symbolName: '_start', declName: 'entry' }]);
    linker.flush();
    const elf = fs.readFileSync(file);
    const loads: Array<{ filesz: bigint; memsz: bigint }> = [];
    for (let i = 0; i < elf.readUInt16LE(56); i++) {
      const at = 64 + i * 56;
      if (elf.readUInt32LE(at) === 1) loads.push({ filesz: elf.readBigUInt64LE(at + 32), memsz: elf.readBigUInt64LE(at + 40) });
    }
    expect(loads.length).toBeGreaterThanOrEqual(3);
    for (const l of loads) expect(l.memsz - l.filesz).toBeGreaterThanOrEqual(256n << 10n);
  });
});

describe('hot swap helpers', () => {
  const maps = `00400000-00401000 r-xp 00001000 08:01 42 /tmp/x\n00401000-00c01000 r-xp 00000000 00:00 0 \n7ffd0000-7ffd1000 rw-p 00000000 00:00 0 [stack]\n`;

  it('parses /proc/<pid>/maps and finds a write outside what is mapped (adjacent mappings count as one)', () => {
    const ranges = parseProcMaps(maps);
    expect(ranges).toEqual([
      { start: 0x400000, end: 0x401000 },
      { start: 0x401000, end: 0xc01000 },
      { start: 0x7ffd0000, end: 0x7ffd1000 },
    ]);
    const across = { vaddr: 0x400ff0, bytes: new Uint8Array(0x20) };
    const outside = { vaddr: 0xc00ff8, bytes: new Uint8Array(16) };
    expect(firstUnmappedWrite(ranges, [across])).toBeNull();
    expect(firstUnmappedWrite(ranges, [across, outside])).toBe(outside);
    expect(firstUnmappedWrite(ranges, [{ vaddr: 0x300000, bytes: new Uint8Array(1) }])).not.toBeNull();
  });

  it('coalesces writes that touch or overlap, later bytes winning', () => {
    const out = coalesceWrites([
      { vaddr: 10, bytes: Uint8Array.from([1, 1]) },
      { vaddr: 100, bytes: Uint8Array.from([9]) },
      { vaddr: 11, bytes: Uint8Array.from([2, 2]) },
    ]);
    expect(out.map((w) => [w.vaddr, Array.from(w.bytes)])).toEqual([
      [10, [1, 2, 2]],
      [100, [9]],
    ]);
  });
});
