//! Case files (spec §13): targets, then updates, each replacing one source file and
//! stating what the compilation must give (errors, stdout, stderr, exit status, IR).
//! A pure parser: text in, `CaseFile` out, or a `CaseFileError` with a line number.

import type { TargetName } from './target.js';
import { TARGET_NAMES } from './target.js';
import { latin1String, utf8Bytes } from '../zir/bytes.js';

export interface CaseUpdate {
  name: string;
  fileName: string;
  source: string;
  /** 1-based line of the `#update=` line, for messages. */
  line: number;
  expectErrors: string[];
  expectStdout: string;
  /** null: stderr is not checked. */
  expectStderr: string | null;
  expectExit: number;
  /** File name (beside the case) holding the expected `zirc ir` output, or null. */
  expectIr: string | null;
}

export interface CaseFile {
  targets: TargetName[];
  updates: CaseUpdate[];
}

export class CaseFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses the text of a `.case` file. */
export function parseCaseFile(text: string): CaseFile {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const targets: TargetName[] = [];
  const updates: CaseUpdate[] = [];
  let current: CaseUpdate | null = null;
  let sourceLines: string[] | null = null;

  const finishSource = () => {
    if (current && sourceLines) current.source = sourceLines.length ? sourceLines.join('\n') + '\n' : '';
    sourceLines = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (sourceLines && !line.startsWith('#expect_') && !line.startsWith('#update=')) {
      sourceLines.push(line);
      continue;
    }
    if (line.startsWith('#target=')) {
      const t = line.slice('#target='.length).trim();
      if (!(TARGET_NAMES as readonly string[]).includes(t)) throw new CaseFileError(lineNo, `unknown target '${t}'`);
      if (updates.length > 0) throw new CaseFileError(lineNo, '#target must come before the first #update');
      targets.push(t as TargetName);
    } else if (line.startsWith('#update=')) {
      finishSource();
      current = {
        name: line.slice('#update='.length),
        fileName: '',
        source: '',
        line: lineNo,
        expectErrors: [],
        expectStdout: '',
        expectStderr: null,
        expectExit: 0,
        expectIr: null,
      };
      updates.push(current);
    } else if (line.startsWith('#file=')) {
      if (!current) throw new CaseFileError(lineNo, '#file before any #update');
      current.fileName = line.slice('#file='.length).trim();
      sourceLines = [];
    } else if (line.startsWith('#expect_')) {
      finishSource();
      if (!current) throw new CaseFileError(lineNo, 'expectation before any #update');
      applyExpectation(current, line, lineNo);
    } else if (line.trim() !== '') {
      throw new CaseFileError(lineNo, `unexpected line outside a source file: ${line}`);
    }
  }
  finishSource();
  if (targets.length === 0) throw new CaseFileError(1, 'no #target line');
  if (updates.length === 0) throw new CaseFileError(1, 'no #update line');
  for (const u of updates) {
    if (!u.fileName) throw new CaseFileError(u.line, `update '${u.name}' has no #file`);
  }
  return { targets, updates };
}

function applyExpectation(update: CaseUpdate, line: string, lineNo: number): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw new CaseFileError(lineNo, `malformed expectation: ${line}`);
  const key = line.slice(1, eq);
  const value = line.slice(eq + 1);
  switch (key) {
    case 'expect_error':
      update.expectErrors.push(value);
      break;
    case 'expect_stdout':
      update.expectStdout = parseZigStringLiteral(value, lineNo);
      break;
    case 'expect_stderr':
      update.expectStderr = parseZigStringLiteral(value, lineNo);
      break;
    case 'expect_exit': {
      const n = Number(value.trim());
      if (!Number.isInteger(n) || n < 0 || n > 255) throw new CaseFileError(lineNo, `bad exit status '${value}'`);
      update.expectExit = n;
      break;
    }
    case 'expect_ir':
      update.expectIr = value.trim();
      break;
    default:
      throw new CaseFileError(lineNo, `unknown expectation '#${key}'`);
  }
}

/** A Zig string literal `"..."` with escapes \n \r \t \\ \' \" \xHH \u{H+}. */
export function parseZigStringLiteral(text: string, lineNo: number): string {
  const s = text.trim();
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') {
    throw new CaseFileError(lineNo, `expected a string literal, found ${text}`);
  }
  const bytes: number[] = [];
  const body = utf8Bytes(s.slice(1, -1));
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== 0x5c) {
      bytes.push(c);
      continue;
    }
    const e = String.fromCharCode(body[++i]);
    switch (e) {
      case 'n': bytes.push(10); break;
      case 'r': bytes.push(13); break;
      case 't': bytes.push(9); break;
      case '\\': case "'": case '"': bytes.push(e.charCodeAt(0)); break;
      case 'x': {
        const hex = latin1String(body, i + 1, Math.min(i + 3, body.length));
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new CaseFileError(lineNo, `bad \\x escape in ${text}`);
        bytes.push(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u': {
        const close = body.indexOf(0x7d, i);
        const hex = close < 0 ? '' : latin1String(body, i + 2, close);
        if (body[i + 1] !== 0x7b || close < 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
          throw new CaseFileError(lineNo, `bad \\u escape in ${text}`);
        }
        bytes.push(...utf8Bytes(String.fromCodePoint(parseInt(hex, 16))));
        i = close;
        break;
      }
      default:
        throw new CaseFileError(lineNo, `bad escape \\${e} in ${text}`);
    }
  }
  return latin1String(Uint8Array.from(bytes));
}
