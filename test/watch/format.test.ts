// The text and JSON faces of watch events, and the terminal progress line.
import { describe, expect, it } from 'vitest';
import type { UpdateResult } from '../../src/compile/Compilation.js';
import type { WatchEvent } from '../../src/cli/watch/events.js';
import { formatJson, formatText } from '../../src/cli/watch/format.js';
import { ProgressLine } from '../../src/cli/watch/progress.js';

const stats = {
  declsParsed: 3,
  declsAnalyzed: 5,
  functionsGenerated: 2,
  declsDeleted: 1,
  bytesWritten: 4096,
  timings: { readMs: 0.05, splitMs: 0.1, parseMs: 0.2, analyzeMs: 1.5, codegenMs: 0.4, linkMs: 0.7, totalMs: 2.5 },
};

const failed: UpdateResult = {
  ok: false,
  errors: [
    {
      path: 'main.zir',
      line: 12,
      col: 17,
      offset: 300,
      message: 'unrecognized identifier: %nowhere',
      rendered: 'main.zir:12:17: error: unrecognized identifier: %nowhere\n  %x = as(@u32, %nowhere)\n                ^',
    },
  ],
  stats: { ...stats, functionsGenerated: 0, bytesWritten: 0 },
};

describe('watch output formats', () => {
  it('says in one text line what a good update did', () => {
    const text = formatText({ kind: 'update', update: 4, result: { ok: true, errors: [], stats }, wallMs: 3 });
    expect(text).toBe('[zirc] update 4: ok; parsed 3, analyzed 5, generated 2, deleted 1; wrote 4096 bytes in 2.50 ms\n');
  });

  it('prints the rendered errors of a failed update, then its line', () => {
    const text = formatText({ kind: 'update', update: 2, result: failed, wallMs: 1 });
    const lines = text.split('\n');
    expect(lines.slice(0, 3).join('\n')).toBe(failed.errors[0].rendered);
    expect(lines[3]).toBe(
      '[zirc] update 2: 1 error; parsed 3, analyzed 5, generated 0, deleted 1; wrote 0 bytes in 2.50 ms; output unchanged',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('gives one JSON object per update with the stats and the errors', () => {
    const line = formatJson({ kind: 'update', update: 2, result: failed, wallMs: 1.23456 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      event: 'update',
      update: 2,
      ok: false,
      declsParsed: 3,
      declsAnalyzed: 5,
      functionsGenerated: 0,
      declsDeleted: 1,
      bytesWritten: 0,
      ms: 2.5,
      wallMs: 1.235,
      timings: { readMs: 0.05, splitMs: 0.1, parseMs: 0.2, analyzeMs: 1.5, codegenMs: 0.4, linkMs: 0.7 },
      errors: [
        {
          path: 'main.zir',
          line: 12,
          column: 17,
          offset: 300,
          message: 'unrecognized identifier: %nowhere',
          rendered: failed.errors[0].rendered,
        },
      ],
    });
  });

  it('reports a program exit with its status alone (its output came before, in output events)', () => {
    const e: WatchEvent = { kind: 'run_exit', update: 7, exitCode: 134, signal: null, killed: false, error: null };
    expect(JSON.parse(formatJson(e))).toEqual({ event: 'exit', update: 7, exitCode: 134, signal: null, killed: false, error: null });
    expect(formatText(e)).toBe('[zirc] program of update 7 exited with status 134\n');
  });

  it('gives a piece of program output as text, with its exact bytes in base64 only when they are not UTF-8', () => {
    const text: WatchEvent = { kind: 'run_output', update: 3, stream: 'stderr', data: Buffer.from('panic: integer overflow\n') };
    expect(JSON.parse(formatJson(text))).toEqual({ event: 'output', update: 3, stream: 'stderr', data: 'panic: integer overflow\n' });
    const bytes: WatchEvent = { kind: 'run_output', update: 3, stream: 'stdout', data: Buffer.from([0x68, 0x69, 0xff]) };
    const o = JSON.parse(formatJson(bytes));
    expect(o).toMatchObject({ event: 'output', update: 3, stream: 'stdout', data: 'hi\ufffd' });
    expect(Buffer.from(o.base64, 'base64')).toEqual(Buffer.from([0x68, 0x69, 0xff]));
    expect(formatText(text)).toBe(''); // in text mode the output passes straight through
  });

  it('says how much of a stream was dropped after the cap', () => {
    const e: WatchEvent = { kind: 'run_output_dropped', update: 2, stream: 'stdout', forwardedBytes: 1048576, droppedBytes: 5000 };
    expect(JSON.parse(formatJson(e))).toEqual({ event: 'output_dropped', update: 2, stream: 'stdout', forwardedBytes: 1048576, droppedBytes: 5000 });
    expect(formatText(e)).toBe('[zirc] program of update 2: 5000 bytes of stdout dropped after the first 1048576\n');
  });

  it('words the source going away and coming back', () => {
    expect(formatText({ kind: 'source_missing', source: 'a.zir', reason: 'removed' })).toBe(
      '[zirc] a.zir was deleted or renamed; waiting for it to come back\n',
    );
    expect(formatText({ kind: 'source_missing', source: 'a.zir', reason: 'absent' })).toBe(
      '[zirc] a.zir does not exist; waiting for it to appear\n',
    );
    expect(JSON.parse(formatJson({ kind: 'source_back', source: 'a.zir' }))).toEqual({ event: 'source_back', source: 'a.zir' });
  });
});

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

describe('progress line', () => {
  it('appears on a terminal for an update slower than the delay, and is erased after', async () => {
    const term = fakeTerminal(true);
    const p = new ProgressLine(term, { delayMs: 20, refreshMs: 10 });
    p.begin('first build');
    await new Promise((r) => setTimeout(r, 80));
    p.end();
    expect(term.writes.length).toBeGreaterThanOrEqual(2);
    expect(term.writes[0]).toMatch(/^\r\x1b\[2K\[zirc\] first build\.\.\. \d+\.\d s$/);
    expect(term.writes.at(-1)).toBe('\r\x1b[2K');
    const count = term.writes.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(term.writes.length).toBe(count); // no refresh after the end
  });

  it('stays silent for a quick update', async () => {
    const term = fakeTerminal(true);
    const p = new ProgressLine(term, { delayMs: 50 });
    p.begin('update 2');
    await new Promise((r) => setTimeout(r, 5));
    p.end();
    await new Promise((r) => setTimeout(r, 80));
    expect(term.writes).toEqual([]);
  });

  it('never writes when stderr is not a terminal', async () => {
    const term = fakeTerminal(false);
    const p = new ProgressLine(term, { delayMs: 1 });
    p.begin('first build');
    await new Promise((r) => setTimeout(r, 30));
    p.end();
    expect(term.writes).toEqual([]);
  });
});
