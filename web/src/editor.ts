//! The ZIR editor: CodeMirror 6 with the basic set-up, a debounced change callback, and the
//! compile errors shown in place through @codemirror/lint.

import { setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import type { Diagnostic } from './messages.js';

export function createEditor(parent: HTMLElement, text: string, onChange: (text: string) => void, debounceMs = 200): EditorView {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          clearTimeout(timer);
          timer = setTimeout(() => onChange(u.state.doc.toString()), debounceMs);
        }),
      ],
    }),
  });
}

/** The range an error marks: from its offset to the end of the token there. */
export function errorRange(text: string, offset: number): { from: number; to: number } {
  const from = Math.max(0, Math.min(offset, text.length));
  let to = from;
  while (to < text.length && !/[\s,()[\]{}=;]/.test(text[to]!)) to++;
  return { from, to: Math.max(to, Math.min(from + 1, text.length)) };
}

export function showErrors(view: EditorView, errors: readonly Diagnostic[]): void {
  const text = view.state.doc.toString();
  const diagnostics: CmDiagnostic[] = errors.map((e) => ({ ...errorRange(text, e.offset < 0 ? 0 : e.offset), severity: 'error', message: e.message }));
  view.dispatch(setDiagnostics(view.state, diagnostics));
}
