//! The C twin's side of a configuration, in a process of its own (forked by
//! config_run.ts) so that its memory — the parsed program it translates — adds nothing
//! to zirc's heap and garbage collection while zirc is measured. It answers three
//! requests over IPC: build the twin from the source file, apply the edit now in the
//! source file (recompile the touched units, relink with each linker, timed), close.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CProject } from './c_project.js';
import type { CArch } from './c_translate.js';
import { UnsupportedForC } from './c_types.js';
import type { CLinker, CToolchain } from './c_toolchain.js';
import { compileUnits, detectToolchain, linkObjects, linkersFor } from './c_toolchain.js';
import { msSince } from './stats.js';

export type CRequest =
  | { kind: 'init'; dir: string; arch: CArch; functionsPerUnit: number; sourcePath: string }
  | { kind: 'edit'; sourcePath: string }
  | { kind: 'close' };

export interface CFullBuild {
  compileMs: number;
  linkMs: Record<string, number>;
  jobs: number;
  units: number;
  linkers: CLinker[];
  outputs: Record<string, string>;
}

export interface CSample {
  units: number;
  compileMs: number;
  linkMs: Record<string, number>;
}

export type CReply = { ok: true; full?: CFullBuild; sample?: CSample } | { ok: false; error: string; unsupported: boolean };

class CSession {
  readonly project: CProject;
  readonly linkers: CLinker[];

  constructor(
    readonly tc: CToolchain,
    readonly arch: CArch,
    dir: string,
    functionsPerUnit: number,
  ) {
    this.project = new CProject(dir, arch, true, functionsPerUnit);
    this.linkers = linkersFor(tc, arch);
  }

  outputFor(linker: CLinker): string {
    return path.join(this.project.dir, this.arch === 'x86_64' ? `prog.${linker}` : 'prog.wasm');
  }

  private async linkAll(): Promise<Record<string, number>> {
    const objects = this.project.sources.map((s) => this.project.objectFor(s));
    const linkMs: Record<string, number> = {};
    for (const l of this.linkers) {
      const t = process.hrtime.bigint();
      await linkObjects(this.tc, l, objects, this.outputFor(l), this.project.dir);
      linkMs[l] = msSince(t);
    }
    return linkMs;
  }

  async fullBuild(source: Buffer): Promise<CFullBuild> {
    this.project.generate(source);
    const jobs = os.cpus().length;
    const start = process.hrtime.bigint();
    await compileUnits(this.tc, this.arch, this.project.sources, this.project.dir, jobs);
    const compileMs = msSince(start);
    const linkMs = await this.linkAll();
    const outputs = Object.fromEntries(this.linkers.map((l) => [l, this.outputFor(l)]));
    return { compileMs, linkMs, jobs, units: this.project.unitCount, linkers: this.linkers, outputs };
  }

  /** Applies the edit to the C files (not timed: the analogue of saving the file), then recompiles and relinks (timed). */
  async edit(source: Buffer): Promise<CSample> {
    const { dirty } = this.project.applyEdit(source);
    const start = process.hrtime.bigint();
    await compileUnits(this.tc, this.arch, dirty, this.project.dir);
    const compileMs = msSince(start);
    return { units: dirty.length, compileMs, linkMs: await this.linkAll() };
  }
}

let session: CSession | null = null;

async function handle(req: CRequest): Promise<CReply> {
  try {
    if (req.kind === 'init') {
      session = new CSession(detectToolchain(), req.arch, req.dir, req.functionsPerUnit);
      return { ok: true, full: await session.fullBuild(fs.readFileSync(req.sourcePath)) };
    }
    if (req.kind === 'edit') {
      if (!session) throw new Error('edit before init');
      return { ok: true, sample: await session.edit(fs.readFileSync(req.sourcePath)) };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), unsupported: e instanceof UnsupportedForC };
  }
}

process.on('message', (req: CRequest) => {
  void handle(req).then((reply) => {
    process.send!(reply);
    if (req.kind === 'close') process.disconnect();
  });
});
