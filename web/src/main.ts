//! The playground page: the editor and its examples, the target switch, and per update
//! its output (the wasm run under the WASI shim), its figures, the module picture with
//! the patched ranges, and for the ELF the disassembly of its functions.

import { createEditor, showErrors } from './editor.js';
import type { Target, UpdateReply, UpdateRequest } from './messages.js';
import { drawModule } from './module_picture.js';
import { runWasm, type RunResult } from './run_wasm.js';
import { EXAMPLES } from './examples.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const compiler = new Worker('worker.js', { type: 'module' });
let target: Target = 'wasm32-wasi';
let nextId = 0;
let updates = 0;
let lastReply: UpdateReply | null = null;
let lastRun: RunResult | null = null;

const picker = $<HTMLSelectElement>('example');
for (const name of Object.keys(EXAMPLES)) picker.append(new Option(name, name));
const editor = createEditor($('editor'), EXAMPLES[picker.value]!, (text) => requestUpdate(text));
picker.onchange = () => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: EXAMPLES[picker.value]! } });
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=target]')) {
  radio.onchange = () => {
    target = radio.value as Target;
    document.body.dataset.target = target;
    requestUpdate(editor.state.doc.toString());
  };
}

function requestUpdate(source: string): void {
  const req: UpdateRequest = { id: ++nextId, target, source };
  $('status').textContent = 'compiling…';
  compiler.postMessage(req);
}

compiler.onmessage = async (event: MessageEvent<UpdateReply>) => {
  const r = event.data;
  if (r.id !== nextId) return; // a newer edit is on its way
  updates++;
  lastReply = r;
  showErrors(editor, r.errors);
  showFigures(r);
  if (r.output) drawModule($<SVGSVGElement & HTMLElement>('picture'), r.output.length, r.regions, r.ok ? r.patches : []);
  showElf(r);
  $('status').textContent = r.ok ? `update ${updates} done` : `update ${updates}: ${r.errors.length} error(s)`;
  if (r.ok && r.output && r.target === 'wasm32-wasi') {
    const run = await runWasm(r.output);
    if (r.id !== nextId) return;
    lastRun = run;
    $('stdout').textContent = run.stdout + run.stderr;
    $('exit').textContent = run.error ?? `exit status ${run.exit}`;
  } else if (r.target === 'x86_64-linux') {
    $('stdout').textContent = '(the ELF is built, not run, in the browser)';
    $('exit').textContent = '';
  }
  document.body.dataset.updates = String(updates);
};

function showFigures(r: UpdateReply): void {
  const size = r.output?.length ?? 0;
  const patched = r.ok ? r.patches.reduce((n, p) => n + p.size, 0) : 0;
  const rows: Array<[string, string, string]> = [
    ['parsed', 'decls parsed', String(r.stats.declsParsed)],
    ['analyzed', 'decls analyzed', String(r.stats.declsAnalyzed)],
    ['generated', 'functions generated', String(r.stats.functionsGenerated)],
    ['deleted', 'decls deleted', String(r.stats.declsDeleted)],
    ['patched', 'bytes patched', `${patched} of ${size} (${r.patches.length} range${r.patches.length === 1 ? '' : 's'})`],
    ['time', 'time', `${r.ms.toFixed(1)} ms`],
  ];
  $('figures').replaceChildren(...rows.map(([key, label, value]) => {
    const tr = document.createElement('tr');
    tr.dataset.figure = key;
    tr.innerHTML = `<th></th><td></td>`;
    tr.children[0]!.textContent = label;
    tr.children[1]!.textContent = value;
    return tr;
  }));
}

function showElf(r: UpdateReply): void {
  const list = $('disassembly');
  list.replaceChildren();
  if (r.target !== 'x86_64-linux') return;
  // The patched functions first: they are what this update changed.
  for (const f of [...r.functions].sort((a, b) => Number(b.patched) - Number(a.patched))) {
    const block = document.createElement('details');
    block.open = f.patched || r.functions.length <= 4;
    block.className = f.patched ? 'function patched' : 'function';
    const summary = document.createElement('summary');
    summary.textContent = `${f.name}  0x${f.addr.toString(16)}  ${f.size} bytes${f.patched ? '  (patched)' : ''}`;
    const pre = document.createElement('pre');
    pre.textContent = f.lines.join('\n');
    block.append(summary, pre);
    list.append(block);
  }
}

// A hook for the browser test: the editor and the last results.
(window as unknown as { __playground: unknown }).__playground = {
  editor,
  get reply() { return lastReply; },
  get run() { return lastRun; },
  get updates() { return updates; },
};

document.body.dataset.target = target;
requestUpdate(editor.state.doc.toString());
