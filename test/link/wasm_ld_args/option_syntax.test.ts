// Every spelling LLVM wasm-ld accepts for the options zirc wasm-ld knows gives the same plan
// (`--opt=V`, `--opt V`, single-dash long forms, joined and separate one-letter forms), the
// defaults are wasm-ld's, and --whole-archive and groups apply to the inputs after them.
import { describe, expect, it } from 'vitest';
import { parseWasmLdArgs } from '../../../src/link/wasm_ld_args/parse_wasm_ld_args.js';
import type { WasmLdInput } from '../../../src/link/wasm_ld_args/plan.js';

const parse = (...args: string[]) => parseWasmLdArgs([...args, 'main.o']);

describe('defaults', () => {
  it('are wasm-ld\'s: _start, gc on, memory exported, one page of stack, a.out', () => {
    const plan = parseWasmLdArgs(['main.o']);
    expect(plan).toMatchObject({
      link: true, output: 'a.out', entry: '_start', noEntry: false, gcSections: true, mergeDataSegments: true,
      exportMemory: true, exportMemoryName: 'memory', importMemory: false, stackSize: 65536, stackFirst: false,
      initialMemory: null, maxMemory: null, initialHeap: null, globalBase: null, optimize: 1, ltoOptimize: 2,
      exportAll: false, exportDynamic: false, allowUndefined: false, stripAll: false, stripDebug: false,
      printGcSections: false, importTable: false, exportTable: false, growableTable: false, threads: null,
    });
    expect(plan.exports).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });
});

describe('options with a value', () => {
  it.each([[['-o', 'out.wasm']], [['-oout.wasm']]])('output %j', (args) => expect(parse(...args).output).toBe('out.wasm'));

  it('-output is -o utput, since wasm-ld has no --output', () => {
    const plan = parseWasmLdArgs(['-output', 'x.o']);
    expect(plan.output).toBe('utput');
    expect(plan.inputs.map((i) => i.kind === 'file' && i.path)).toEqual(['x.o']);
  });

  it.each([[['-e', 'go']], [['-ego']], [['--entry=go']], [['--entry', 'go']], [['-entry', 'go']], [['-entry=go']]])(
    'entry %j',
    (args) => expect(parse(...args).entry).toBe('go'),
  );

  it('takes the last of --entry and --no-entry, and -e \'\' as no entry', () => {
    expect(parse('--entry=a', '--no-entry')).toMatchObject({ entry: null, noEntry: true });
    expect(parse('--no-entry', '--entry=a')).toMatchObject({ entry: 'a', noEntry: false });
    expect(parse('-no-entry')).toMatchObject({ entry: null, noEntry: true });
    expect(parse('-e', '')).toMatchObject({ entry: null, noEntry: true });
  });

  it('collects -u / --undefined in order', () => {
    expect(parse('-u', 'a', '-ub', '--undefined=c', '--undefined', 'd', '-undefined=e', '-undefined', 'f').undefinedSymbols)
      .toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('collects --export and --export-if-defined in order', () => {
    const plan = parse('--export=a', '--export', 'b', '-export=c', '-export', 'd', '--export-if-defined=e', '--export-if-defined', 'f', '-export-if-defined=g');
    expect(plan.exports).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.exportsIfDefined).toEqual(['e', 'f', 'g']);
  });

  it.each([
    ['--initial-memory=131072', 'initialMemory', 131072],
    ['-initial-memory=131072', 'initialMemory', 131072],
    ['--max-memory=4294967296', 'maxMemory', 4294967296],
    ['--initial-heap=65536', 'initialHeap', 65536],
    ['--global-base=1', 'globalBase', 1],
    ['-global-base=4096', 'globalBase', 4096],
    ['-O3', 'optimize', 3],
    ['--lto-O0', 'ltoOptimize', 0],
    ['-lto-O3', 'ltoOptimize', 3],
    ['--threads=4', 'threads', 4],
    ['-threads=1', 'threads', 1],
  ])('%s', (arg, key, value) => expect(parse(arg)[key as 'optimize']).toBe(value));

  it('also takes the value of an =-only option separately', () => {
    expect(parse('--initial-memory', '131072', '--max-memory', '262144', '--global-base', '8').initialMemory).toBe(131072);
    expect(parse('-O', '2', '--threads', '2').optimize).toBe(2);
  });

  it.each([
    [['-z', 'stack-size=1048576'], 1048576],
    [['-zstack-size=32'], 32],
    [['-z', 'stack-size=0x100'], 256],
    [['-z', 'stack-size=020'], 16],
    [['-z', 'stack-size=0'], 0],
  ])('-z stack-size %j', (args, size) => {
    const plan = parse(...args);
    expect(plan.stackSize).toBe(size);
    expect(plan.zKeywords).toEqual([args.join('').replace(/^-z/, '')]);
  });

  it('ignores other -z keywords with a warning, as wasm-ld ignores them', () => {
    const plan = parse('-z', 'now');
    expect(plan.warnings).toEqual(['ignoring unknown -z value: now']);
    expect(plan.zKeywords).toEqual([]);
  });

  it('takes -m wasm32 and -mwasm32', () => {
    expect(() => parse('-m', 'wasm32', '-mwasm32')).not.toThrow();
  });

  it('takes --import-memory=MODULE,NAME and --export-memory=NAME (later wasm-ld spellings)', () => {
    expect(parse('--import-memory')).toMatchObject({ importMemory: true, importMemoryModule: 'env', importMemoryName: 'memory', exportMemory: false });
    expect(parse('--import-memory=js,mem')).toMatchObject({ importMemory: true, importMemoryModule: 'js', importMemoryName: 'mem' });
    expect(parse('--import-memory', '--export-memory')).toMatchObject({ importMemory: true, exportMemory: true, exportMemoryName: 'memory' });
    expect(parse('--export-memory=heap')).toMatchObject({ exportMemory: true, exportMemoryName: 'heap' });
  });
});

describe('flags', () => {
  it.each([
    [['--export-all'], 'exportAll', true],
    [['-export-all'], 'exportAll', true],
    [['--export-dynamic'], 'exportDynamic', true],
    [['-E'], 'exportDynamic', true],
    [['-E', '--no-export-dynamic'], 'exportDynamic', false],
    [['--allow-undefined'], 'allowUndefined', true],
    [['-allow-undefined'], 'allowUndefined', true],
    [['--stack-first'], 'stackFirst', true],
    [['--import-table'], 'importTable', true],
    [['--export-table'], 'exportTable', true],
    [['--growable-table'], 'growableTable', true],
    [['--no-gc-sections'], 'gcSections', false],
    [['-no-gc-sections', '--gc-sections'], 'gcSections', true],
    [['--print-gc-sections'], 'printGcSections', true],
    [['--print-gc-sections', '--no-print-gc-sections'], 'printGcSections', false],
    [['--no-merge-data-segments'], 'mergeDataSegments', false],
    [['--no-merge-data-segments', '--merge-data-segments'], 'mergeDataSegments', true],
    [['--strip-all'], 'stripAll', true],
    [['-s'], 'stripAll', true],
    [['--strip-debug'], 'stripDebug', true],
    [['-S'], 'stripDebug', true],
    [['--verbose'], 'verbose', true],
    [['--fatal-warnings'], 'fatalWarnings', true],
    [['--fatal-warnings', '--no-fatal-warnings'], 'fatalWarnings', false],
  ])('%j', (args, key, value) => expect(parse(...args)[key as 'exportAll']).toBe(value));

  it.each([
    [['--color-diagnostics']], [['--color-diagnostics=always']], [['--color-diagnostics=never']], [['--no-color-diagnostics']],
    [['--error-limit=0']], [['--error-unresolved-symbols']], [['--unresolved-symbols=report-all']], [['--rsp-quoting=posix']],
    [['--no-pie']], [['--check-features']], [['--no-check-features']], [['--demangle']], [['--no-demangle']],
    [['--lto-partitions=2']], [['--thinlto-jobs=2']], [['--thinlto-cache-dir=/tmp/c']], [['--lto-legacy-pass-manager']],
    [['--no-lto-legacy-pass-manager']], [['--lto-debug-pass-manager']], [['--disable-verify']], [['--save-temps']],
    [['-mllvm', '-foo']], [['--mllvm', '-foo']],
  ])('accepts %j, which changes nothing here', (args) => {
    const plan = parse(...args);
    expect(plan.link).toBe(true);
    expect(plan.warnings).toEqual([]);
  });

  it('warns for --Bsymbolic, as wasm-ld does without -shared', () => {
    expect(parse('--Bsymbolic').warnings).toEqual(['--Bsymbolic is only meaningful when combined with -shared']);
  });
});

describe('information', () => {
  it('--version and -version print and stop; --help and -help print help and stop', () => {
    expect(parseWasmLdArgs(['--version'])).toMatchObject({ printVersion: true, link: false });
    expect(parseWasmLdArgs(['-version', 'main.o'])).toMatchObject({ printVersion: true, link: false });
    expect(parseWasmLdArgs(['--help'])).toMatchObject({ printHelp: true, link: false });
    expect(parseWasmLdArgs(['-help'])).toMatchObject({ printHelp: true, link: false });
  });

  it('-v prints the version, and links too when there are inputs', () => {
    expect(parseWasmLdArgs(['-v'])).toMatchObject({ printVersion: true, link: false });
    expect(parseWasmLdArgs(['-v', 'main.o'])).toMatchObject({ printVersion: true, link: true });
  });
});

/** An input as a short string: `a.o`, `-lc[whole,g1]`. */
function describeInput(input: WasmLdInput): string {
  const name = input.kind === 'file' ? input.path : `-l${input.exact ? ':' : ''}${input.name}`;
  const flags = [input.wholeArchive ? 'whole' : null, input.groupId !== null ? `g${input.groupId}` : null].filter((f) => f !== null);
  return flags.length > 0 ? `${name}[${flags.join(',')}]` : name;
}

describe('inputs', () => {
  it('keeps files and -l libraries in order, with -l NAME, -lNAME and -l:FILE', () => {
    const plan = parseWasmLdArgs(['a.o', '-l', 'x', 'b.a', '-ly', '-l:libz.a']);
    expect(plan.inputs.map(describeInput)).toEqual(['a.o', '-lx', 'b.a', '-ly', '-l:libz.a']);
  });

  it('collects every -L in order, wherever it appears', () => {
    expect(parseWasmLdArgs(['-L', 'a', 'm.o', '-Lb', '-lc', '-L/c']).searchDirs).toEqual(['a', 'b', '/c']);
  });

  it('applies --whole-archive up to --no-whole-archive, in both spellings', () => {
    const plan = parseWasmLdArgs(['a.o', '--whole-archive', 'b.a', '-lc', '-no-whole-archive', 'd.a', '-whole-archive', 'e.a']);
    expect(plan.inputs.map(describeInput)).toEqual(['a.o', 'b.a[whole]', '-lc[whole]', 'd.a', 'e.a[whole]']);
  });

  it('numbers --start-group/--end-group and -( -) groups', () => {
    const plan = parseWasmLdArgs(['a.o', '--start-group', '-lc', '-lm', '--end-group', '-(', 'x.a', '-)', 'z.o']);
    expect(plan.inputs.map(describeInput)).toEqual(['a.o', '-lc[g1]', '-lm[g1]', 'x.a[g2]', 'z.o']);
  });
});
