// Differential: edit sequences on generated programs, on x86-64 and on wasm32. After every
// update the long-running compilation and a fresh build of the same source agree: on the
// errors (counted), and when there are none, on what the program does (stdout, where the
// entry prints every function's result, stderr and exit status). An update with errors
// leaves the incremental output byte for byte as the last good one, and a fresh build of
// it writes no file. Every kind of edit happens on purpose (each is counted), among them
// errors introduced and then fixed, and bodies grown past their room, which on x86-64
// must move the function. Both targets agree with each other too.
//
// `npm run fuzz:differential` runs the same with many more seeds and edits.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import type { UpdateResult } from '../../src/compile/Compilation.js';
import { errorHeadline } from '../../src/compile/errors.js';
import { runOutput } from '../../src/node/compile/run_output.js';
import type { TargetName } from '../../src/compile/target.js';
import { readSymbols } from '../elf/x86_snippets.js';
import { EDIT_KINDS, Rng, applyEdit, makeProgram, reachableFns, renderProgram } from './edit_programs.js';
import type { EditKind, ProgramModel } from './edit_programs.js';

/** Seeds and rounds (each round applies every kind of edit once, in a shuffled order); the fuzz script raises both. */
const SEEDS = (process.env.ZIRC_DIFFERENTIAL_SEEDS ?? '11,12').split(',').map(Number);
const ROUNDS = Number(process.env.ZIRC_DIFFERENTIAL_ROUNDS ?? '2');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-diff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function outputName(name: string, target: TargetName): string {
  return path.join(dir, target === 'wasm32-wasi' ? `${name}.wasm` : name);
}

function build(name: string, target: TargetName): Compilation {
  return Compilation.create({
    sourcePath: path.join(dir, `${name}.zir`),
    outputPath: outputName(name, target),
    target,
    optimize: 'Debug',
    displayPath: 'p.zir',
  });
}

async function behaviour(file: string, target: TargetName): Promise<string> {
  const r = await runOutput(file, target, { timeoutMs: 10_000 });
  return `exit ${r.exitCode} stdout ${JSON.stringify(r.stdout.toString())} stderr ${JSON.stringify(r.stderr.toString())}`;
}

/** The error headlines, sorted: equal lists are equal multisets. */
function errorList(r: UpdateResult): string[] {
  return r.errors.map(errorHeadline).sort();
}

function readIfExists(file: string): Buffer | null {
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}

/** Kinds in shuffled rounds; a kind that had nothing to act on is tried again later in the sequence. */
function* editSchedule(rng: Rng, rounds: number): Generator<EditKind, void, boolean> {
  for (let round = 0; round < rounds; round++) {
    const deck = [...EDIT_KINDS];
    for (let i = deck.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [deck[i], deck[j]] = [deck[j]!, deck[i]!];
    }
    for (let i = 0; i < deck.length; i++) {
      const done = yield deck[i]!;
      if (!done && deck.length < 4 * EDIT_KINDS.length) deck.push(deck[i]!);
    }
  }
}

/** The x86-64 address of each function symbol in an executable. */
function functionAddresses(file: string): Map<string, number> {
  return new Map(readSymbols(file).filter((s) => s.type === 'FUNC').map((s) => [s.name, s.value]));
}

interface Tally {
  edits: Record<EditKind, number>;
  goodUpdates: number;
  errorUpdates: number;
  fixedAfterErrors: number;
  moves: number;
}

async function runSequence(seed: number, target: TargetName, rounds: number): Promise<Tally> {
  const rng = new Rng(seed);
  const model: ProgramModel = makeProgram(rng, 24, 6);
  const incName = `inc-${seed}-${target}`;
  const freshName = `fresh-${seed}-${target}`;
  const incOut = outputName(incName, target);
  const freshOut = outputName(freshName, target);
  const inc = build(incName, target);
  const tally: Tally = {
    edits: Object.fromEntries(EDIT_KINDS.map((k) => [k, 0])) as Record<EditKind, number>,
    goodUpdates: 0,
    errorUpdates: 0,
    fixedAfterErrors: 0,
    moves: 0,
  };
  let lastGood: Buffer | null = null;
  let previousFailed = false;
  /** Functions grown since the last good update, with their address in it (x86-64). */
  const grown = new Map<string, number>();

  /** One update of both builds, checked; true when it had no errors. */
  const check = async (step: string): Promise<boolean> => {
    const source = Buffer.from(renderProgram(model));
    const r = inc.update(source);
    fs.rmSync(freshOut, { force: true });
    const f = build(freshName, target);
    const fr = f.update(source);
    f.close();
    expect(errorList(r), `errors after ${step}`).toEqual(errorList(fr));
    if (!r.ok) {
      tally.errorUpdates++;
      previousFailed = true;
      const now = readIfExists(incOut);
      if (lastGood === null) expect(now, `no incremental output after ${step}, before any good update`).toBeNull();
      else expect(now !== null && now.equals(lastGood), `incremental output after ${step} is the last good one, byte for byte`).toBe(true);
      expect(fs.existsSync(freshOut), `a fresh build with errors wrote no output (${step})`).toBe(false);
      return false;
    }
    tally.goodUpdates++;
    if (previousFailed) tally.fixedAfterErrors++;
    previousFailed = false;
    lastGood = fs.readFileSync(incOut);
    if (grown.size > 0) {
      const now = functionAddresses(incOut);
      for (const [name, was] of grown) if (now.has(name) && now.get(name) !== was) tally.moves++;
      grown.clear();
    }
    const a = await behaviour(incOut, target);
    const b = await behaviour(freshOut, target);
    expect(a, `behaviour after ${step}`).toBe(b);
    expect(a, `the program printed its results after ${step}`).toMatch(/stdout "(\d+\\n)+"/);
    return true;
  };

  try {
    await check('the first build');
    const schedule = editSchedule(rng, rounds);
    let done = true;
    for (let step = 0; ; step++) {
      const next = schedule.next(done);
      if (next.done) break;
      const kind = next.value;
      // On x86-64, grow the function placed first among those the entry reaches: others follow it, so it must move.
      const addresses = target === 'x86_64-linux' && lastGood && kind === 'grow' ? functionAddresses(incOut) : null;
      const reachable = reachableFns(model);
      const first = addresses && [...addresses].filter(([n]) => reachable.has(n)).sort((x, y) => x[1] - y[1])[0];
      const edit = applyEdit(model, rng, kind, { growFn: first ? first[0] : undefined });
      done = edit !== null;
      if (!edit) continue;
      tally.edits[kind]++;
      if (addresses && edit.fn && addresses.has(edit.fn) && !grown.has(edit.fn)) grown.set(edit.fn, addresses.get(edit.fn)!);
      await check(`step ${step} (${kind}${edit.fn ? ` ${edit.fn}` : ''})`);
    }
    // End on a good program, so the last comparison is of two outputs.
    if (applyEdit(model, rng, 'fix')) tally.edits.fix++;
    expect(await check('the final fix'), 'the final program builds').toBe(true);
  } finally {
    inc.close();
  }
  return tally;
}

describe('incrementally patched outputs behave like fresh builds', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
    for (const seed of SEEDS) {
      it(`through every kind of edit, ${ROUNDS} rounds (seed ${seed}, ${target})`, async () => {
        const tally = await runSequence(seed, target, ROUNDS);
        for (const kind of EDIT_KINDS) expect(tally.edits[kind], `${kind} edits`).toBeGreaterThan(0);
        expect(tally.errorUpdates, 'updates with errors').toBeGreaterThan(0);
        expect(tally.fixedAfterErrors, 'good updates right after errors').toBeGreaterThan(0);
        expect(tally.goodUpdates, 'good updates').toBeGreaterThan(EDIT_KINDS.length);
        if (target === 'x86_64-linux') expect(tally.moves, 'functions moved by growing').toBeGreaterThan(0);
      }, 60_000 * ROUNDS);
    }
  }

  it('x86-64 and wasm32 builds of the same programs behave the same', async () => {
    const rng = new Rng(99);
    for (let i = 0; i < 5; i++) {
      const model = makeProgram(rng, 20, 4);
      for (let g = 0; g < i; g++) applyEdit(model, rng, 'grow');
      const source = renderProgram(model);
      const results: string[] = [];
      for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
        const c = build(`cross-${i}`, target);
        expect(c.update(Buffer.from(source)).ok).toBe(true);
        c.close();
        results.push(await behaviour(outputName(`cross-${i}`, target), target));
      }
      expect(results[0]).toBe(results[1]);
      expect(results[0]).toMatch(/stdout "(\d+\\n)+"/);
    }
  });
});
