//! The two faces of a `WatchEvent`: the text lines a person reads (`formatText`) and the
//! one-line JSON objects a tool reads (`formatJson`). Pure functions; docs/watch.md
//! documents every line and field they produce, so change both together.

import { isUtf8 } from 'node:buffer';
import type { CompileError } from '../../compile/errors.js';
import type { HotOutcome, WatchEvent } from './events.js';
import { updateFacts } from './events.js';

const PREFIX = '[zirc]';

/** The text for an event, one or more lines each ending in '\n' (empty: nothing to say). */
export function formatText(e: WatchEvent): string {
  switch (e.kind) {
    case 'start':
      return `${PREFIX} watching ${e.source} -> ${e.output} (${e.target})${e.run ? (e.hot ? ', running it and swapping each good update into it' : ', running it after each good update') : ''}; Ctrl-C stops\n`;
    case 'update_start':
      return ''; // a terminal shows the progress line instead
    case 'update': {
      const f = updateFacts(e);
      const work =
        `parsed ${f.declsParsed}, analyzed ${f.declsAnalyzed}, generated ${f.functionsGenerated}, deleted ${f.declsDeleted}; ` +
        `wrote ${f.bytesWritten} ${plural(f.bytesWritten, 'byte')} in ${formatMs(f.ms)}`;
      if (e.result.ok) return `${PREFIX} update ${e.update}: ok; ${work}${e.hot ? hotText(e.hot) : ''}\n`;
      const n = e.result.errors.length;
      const rendered = e.result.errors.map((err) => err.rendered + '\n').join('');
      return `${rendered}${PREFIX} update ${e.update}: ${n} ${plural(n, 'error')}; ${work}; output unchanged\n`;
    }
    case 'source_missing':
      return e.reason === 'absent'
        ? `${PREFIX} ${e.source} does not exist; waiting for it to appear\n`
        : `${PREFIX} ${e.source} was deleted or renamed; waiting for it to come back\n`;
    case 'source_back':
      return `${PREFIX} ${e.source} is back\n`;
    case 'run_start':
      return `${PREFIX} running ${e.output} (update ${e.update})\n`;
    case 'run_output':
      return ''; // in text mode the program's output passes straight through instead
    case 'run_output_dropped':
      return `${PREFIX} program of update ${e.update}: ${e.droppedBytes} ${plural(e.droppedBytes, 'byte')} of ${e.stream} dropped after the first ${e.forwardedBytes}\n`;
    case 'run_exit':
      return `${PREFIX} ${describeExit(e)}\n`;
    case 'internal_error':
      return `${PREFIX} update ${e.update}: internal compiler error: ${e.message}\n${PREFIX} the output is unchanged; the next update starts from a fresh compilation\n`;
    case 'stopping':
      return `${PREFIX} ${e.signal}: stopping\n`;
    case 'stopped':
      return `${PREFIX} stopped\n`;
  }
}

/** The hot-swap part of an update line: `; swapped into pid N: F functions, S slots` or `; restarted: why`. */
export function hotText(h: HotOutcome): string {
  if (h.action === 'swapped') return `; swapped into pid ${h.pid}: ${h.functions} ${plural(h.functions, 'function')}, ${h.slots} ${plural(h.slots, 'slot')}`;
  if (h.action === 'restarted') return `; restarted: ${h.reason}`;
  return '';
}

function describeExit(e: Extract<WatchEvent, { kind: 'run_exit' }>): string {
  const who = `program of update ${e.update}`;
  if (e.error !== null) return `${who} could not start: ${e.error}`;
  if (e.killed) return `${who} stopped by zirc`;
  if (e.signal) return `${who} ended by signal ${e.signal} (status ${e.exitCode})`;
  return `${who} exited with status ${e.exitCode}`;
}

/** The JSON object for an event, as one line ending in '\n'. */
export function formatJson(e: WatchEvent): string {
  return JSON.stringify(jsonObject(e)) + '\n';
}

export function jsonObject(e: WatchEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'start':
      return { event: 'start', source: e.source, output: e.output, target: e.target, run: e.run, ...(e.hot ? { hot: true } : {}) };
    case 'update_start':
      return { event: 'building', update: e.update };
    case 'update': {
      const t = e.result.stats.timings;
      return {
        event: 'update',
        update: e.update,
        ok: e.result.ok,
        ...updateFacts(e),
        ms: round(e.result.stats.timings.totalMs),
        wallMs: round(e.wallMs),
        timings: { readMs: round(t.readMs), splitMs: round(t.splitMs), parseMs: round(t.parseMs), analyzeMs: round(t.analyzeMs), codegenMs: round(t.codegenMs), linkMs: round(t.linkMs) },
        errors: e.result.errors.map(jsonError),
        ...(e.hot ? { hot: jsonHot(e.hot) } : {}),
      };
    }
    case 'source_missing':
      return { event: 'source_missing', source: e.source, reason: e.reason };
    case 'source_back':
      return { event: 'source_back', source: e.source };
    case 'run_start':
      return { event: 'run', update: e.update, output: e.output };
    case 'run_output': {
      // The text, and the exact bytes too when they are not UTF-8 (the text then has U+FFFD in their place).
      const o: Record<string, unknown> = { event: 'output', update: e.update, stream: e.stream, data: e.data.toString('utf8') };
      if (!isUtf8(e.data)) o.base64 = e.data.toString('base64');
      return o;
    }
    case 'run_output_dropped':
      return { event: 'output_dropped', update: e.update, stream: e.stream, forwardedBytes: e.forwardedBytes, droppedBytes: e.droppedBytes };
    case 'run_exit':
      return { event: 'exit', update: e.update, exitCode: e.exitCode, signal: e.signal, killed: e.killed, error: e.error };
    case 'internal_error':
      return { event: 'internal_error', update: e.update, message: e.message };
    case 'stopping':
      return { event: 'stopping', signal: e.signal };
    case 'stopped':
      return { event: 'stopped' };
  }
}

function jsonHot(h: HotOutcome): Record<string, unknown> {
  if (h.action === 'swapped') {
    const o: Record<string, unknown> = { action: 'swapped', pid: h.pid, functions: h.functions, slots: h.slots, bytes: h.bytes, swapMs: round(h.swapMs) };
    if (h.steps) o.steps = { mapsMs: round(h.steps.mapsMs), stopMs: round(h.steps.stopMs), writeMs: round(h.steps.writeMs), continueMs: round(h.steps.continueMs) };
    return o;
  }
  if (h.action === 'restarted') return { action: 'restarted', pid: h.pid, reason: h.reason };
  return { action: 'started' };
}

function jsonError(err: CompileError): Record<string, unknown> {
  return {
    path: err.path,
    line: err.line,
    column: err.col,
    offset: err.offset,
    message: err.message,
    rendered: err.rendered,
  };
}

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
