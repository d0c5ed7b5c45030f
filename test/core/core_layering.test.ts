// Every file of the core — src/zir, src/sema, src/codegen, src/link, src/compile and
// src/core.ts — has no Node in it, whether or not zirc/core reaches it today: no import of
// a Node module (`node:fs`, or a bare `fs`), no import of the Node layer (src/node,
// src/cli, src/bench, the Node entry src/index.ts), and no use of Node's globals or of its
// `NodeJS` types. Read with a TypeScript parser (oxc's), so comments and strings do not count.
// The bundle test (browser_bundle.test.ts) checks what zirc/core reaches; this one checks
// the rest too, so a file moved into the core's reach later is already clean; and the
// playground with the core it reaches type-checks with no Node types.

import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const CORE_DIRS = ['src/zir', 'src/sema', 'src/codegen', 'src/link', 'src/compile'];
const CORE_FILES = ['src/core.ts'];
/** Where the Node layer lives: the core may not import from here. */
const NODE_LAYER = ['src/node', 'src/cli', 'src/bench', 'src/index.ts'];
const NODE_GLOBALS = new Set(['Buffer', 'process', 'global', 'require', '__dirname', '__filename', 'setImmediate', 'clearImmediate', 'NodeJS']);
const NODE_MODULES = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function coreFiles(): string[] {
  const out = CORE_FILES.map((f) => path.join(root, f));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts')) out.push(p);
    }
  };
  for (const d of CORE_DIRS) walk(path.join(root, d));
  return out.sort();
}

/** An ESTree node as oxc gives it: a type, a span, and children under any key. */
interface AstNode {
  type: string;
  start: number;
  [key: string]: unknown;
}

/** Keys under which an identifier names a property, a key or a declaration, not a value from outside. */
const NOT_REFERENCES: Record<string, readonly string[]> = {
  MemberExpression: ['property'],
  Property: ['key'],
  PropertyDefinition: ['key'],
  MethodDefinition: ['key'],
  TSPropertySignature: ['key'],
  TSMethodSignature: ['key', 'params'],
  TSQualifiedName: ['right'],
  VariableDeclarator: ['id'],
  FunctionDeclaration: ['id', 'params'],
  FunctionExpression: ['id', 'params'],
  ArrowFunctionExpression: ['params'],
  TSDeclareFunction: ['id', 'params'],
  TSFunctionType: ['params'],
  TSConstructorType: ['params'],
  TSCallSignatureDeclaration: ['params'],
  TSConstructSignatureDeclaration: ['params'],
  ClassDeclaration: ['id'],
  TSInterfaceDeclaration: ['id'],
  TSTypeAliasDeclaration: ['id'],
  TSEnumMember: ['id'],
  TSParameterProperty: ['parameter'],
  ImportSpecifier: ['imported', 'local'],
  ImportDefaultSpecifier: ['local'],
  ImportNamespaceSpecifier: ['local'],
  ExportSpecifier: ['local', 'exported'],
  LabeledStatement: ['label'],
  BreakStatement: ['label'],
  ContinueStatement: ['label'],
};

/** The keys of NOT_REFERENCES under which a name is declared (the rest name a property or a label). */
const DECLARING_KEYS = new Set(['id', 'params', 'parameter', 'local']);

function isAstNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';
}

/** The Node in one file: each use as `line:column what`. `file` is where relative imports resolve from. */
export function nodeUses(file: string, text: string): string[] {
  const parsed = parseSync(file, text, { lang: 'ts', sourceType: 'module' });
  if (parsed.errors.length > 0) return parsed.errors.map((e) => `does not parse: ${e.message}`);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const found: Array<{ start: number; what: string }> = [];
  const at = (start: number, what: string) => found.push({ start, what });
  const checkSpecifier = (start: number, spec: string) => {
    if (NODE_MODULES.has(spec) || spec.startsWith('node:')) return at(start, `imports '${spec}'`);
    if (!spec.startsWith('.')) return;
    const target = path.relative(root, path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    if (NODE_LAYER.some((l) => target === l || target.startsWith(`${l}/`))) at(start, `imports the Node layer '${spec}'`);
  };
  // A name the file declares itself (a linker's local `global`) is its own, not Node's.
  const declared = new Set<string>();
  const references: Array<{ start: number; name: string }> = [];
  const visit = (node: AstNode, parent: AstNode | null, key: string): void => {
    const source = node.source as { value?: unknown } | null | undefined;
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ImportExpression') && typeof source?.value === 'string') {
      checkSpecifier(node.start, source.value);
    } else if (node.type === 'Identifier' && NODE_GLOBALS.has(node.name as string)) {
      const name = node.name as string;
      const notReference = parent !== null && parent.computed !== true && (NOT_REFERENCES[parent.type] ?? []).includes(key);
      if (!notReference) references.push({ start: node.start, name });
      else if (DECLARING_KEYS.has(key) && parent.type !== 'MemberExpression' && parent.type !== 'TSQualifiedName') declared.add(name);
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'parent') continue;
      if (Array.isArray(v)) for (const c of v) { if (isAstNode(c)) visit(c, node, k); }
      else if (isAstNode(v)) visit(v, node, k);
    }
  };
  visit(parsed.program as unknown as AstNode, null, '');
  for (const r of references) if (!declared.has(r.name)) at(r.start, `uses Node's '${r.name}'`);
  return found
    .sort((x, y) => x.start - y.start)
    .map(({ start, what }) => {
      let line = 0;
      while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= start) line++;
      return `${line + 1}:${start - lineStarts[line]! + 1} ${what}`;
    });
}

describe('the core has no Node in it', () => {
  it('finds each kind of Node use in a sample (so the check below can fail)', () => {
    const uses = (text: string) => nodeUses(path.join(root, 'src/link/sample.ts'), text);
    expect(uses("import * as fs from 'node:fs';")).toEqual(["1:1 imports 'node:fs'"]);
    expect(uses("import { join } from 'path';")).toEqual(["1:1 imports 'path'"]);
    expect(uses("export { nodeOutputIo } from '../node/link/node_output_io.js';")).toEqual(["1:1 imports the Node layer '../node/link/node_output_io.js'"]);
    expect(uses("const m = await import('node:worker_threads');")).toEqual(["1:17 imports 'node:worker_threads'"]);
    expect(uses('const x = 1;\nconst b = Buffer.from("x");')).toEqual(["2:11 uses Node's 'Buffer'"]);
    expect(uses('const pid = process.pid;')).toEqual(["1:13 uses Node's 'process'"]);
    expect(uses('let e: NodeJS.ErrnoException;')).toEqual(["1:8 uses Node's 'NodeJS'"]);
    // Not Node: a property, a key, a comment, a string, a name the file declares itself.
    expect(uses("const o = { process: 1 }; o.process; // Buffer\nconst s = 'process.argv';")).toEqual([]);
    expect(uses('function f(process: number) { return process; }')).toEqual([]);
    expect(uses('type Visit = (global: number) => void;')).toEqual([]);
    expect(uses('const global = 3; export const g = global + 1;')).toEqual([]);
  });

  it('in every file of src/zir, src/sema, src/codegen, src/link, src/compile and src/core.ts', () => {
    const files = coreFiles();
    expect(files.length).toBeGreaterThan(200);
    const problems = files.flatMap((f) => nodeUses(f, fs.readFileSync(f, 'utf8')).map((u) => `${path.relative(root, f)}:${u}`));
    expect(problems).toEqual([]);
  });

  it('type-checks, with the playground that imports it, with no Node types at all (web/tsconfig.json)', () => {
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    // Throws, with tsc's errors in its output, if anything the page reaches needs Node's types.
    execFileSync(tsc, ['-p', path.join(root, 'web')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    const config = JSON.parse(fs.readFileSync(path.join(root, 'web', 'tsconfig.json'), 'utf8')) as { compilerOptions: { types?: string[] } };
    expect(config.compilerOptions.types).toEqual([]);
  });
});
