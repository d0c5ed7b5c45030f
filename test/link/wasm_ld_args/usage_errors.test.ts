// Bad wasm-ld command lines are WasmLdUsageErrors whose message names the option:
// unknown options (including ELF-only ones wasm-ld does not take), missing values, bad
// numbers and values, the memory checks wasm-ld makes, and the features zirc wasm-ld
// will not have (shared memory, PIC, relocatable output), each refused by name.
import { describe, expect, it } from 'vitest';
import { parseWasmLdArgs } from '../../../src/link/wasm_ld_args/parse_wasm_ld_args.js';
import { WasmLdUsageError } from '../../../src/link/wasm_ld_args/plan.js';

function errorOf(args: string[]): WasmLdUsageError {
  try {
    parseWasmLdArgs(args);
  } catch (err) {
    if (err instanceof WasmLdUsageError) return err;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(args)}`);
}

describe('unknown options', () => {
  it.each([
    ['--foo', 'zirc wasm-ld: unknown option: --foo'],
    ['-foo', 'zirc wasm-ld: unknown option: -foo'],
    ['--l', 'zirc wasm-ld: unknown option: --l'],
    ['--o', 'zirc wasm-ld: unknown option: --o'],
    ['--output=x', 'zirc wasm-ld: unknown option: --output=x'],
    ['-static', 'zirc wasm-ld: unknown option: -static'],
    ['-Bstatic', 'zirc wasm-ld: unknown option: -Bstatic'],
    ['--sysroot=/x', 'zirc wasm-ld: unknown option: --sysroot=/x'],
    ['--no-threads', 'zirc wasm-ld: unknown option: --no-threads'],
    ['--stack-size=5', 'zirc wasm-ld: unknown option: --stack-size=5'],
    ['-V', 'zirc wasm-ld: unknown option: -V'],
    ['--', 'zirc wasm-ld: unknown option: --'],
  ])('%s', (arg, message) => {
    const err = errorOf([arg, 'main.o']);
    expect(err.message).toBe(message);
    expect(err.option).toBe(arg);
  });

  it('a flag given a value is an error naming it', () => {
    expect(errorOf(['--export-all=1', 'main.o']).message).toBe('zirc wasm-ld: --export-all takes no value: --export-all=1');
  });
});

describe('missing values', () => {
  it.each(['-o', '-l', '-L', '-e', '--entry', '-u', '--export', '--export-if-defined', '-m', '-z', '-O', '--initial-memory', '--allow-undefined-file', '-mllvm'])(
    '%s at the end',
    (opt) => expect(errorOf(['main.o', opt]).message).toBe(`zirc wasm-ld: ${opt}: missing argument`),
  );

  it('-l with no name', () => expect(errorOf(['-l:', 'main.o']).message).toBe('zirc wasm-ld: -l: missing library name'));
  it('-o with an empty name', () => expect(errorOf(['-o', '', 'main.o']).message).toBe('zirc wasm-ld: -o: empty output file name'));
});

describe('bad numbers and values', () => {
  it.each([
    [['--initial-memory=abc'], "zirc wasm-ld: --initial-memory: number expected, but got 'abc'"],
    [['--max-memory=-1'], "zirc wasm-ld: --max-memory: number expected, but got '-1'"],
    [['--global-base=0x400'], "zirc wasm-ld: --global-base: number expected, but got '0x400'"],
    [['--initial-heap='], "zirc wasm-ld: --initial-heap: number expected, but got ''"],
    [['-Ofoo'], "zirc wasm-ld: -O: number expected, but got 'foo'"],
    [['--lto-O'], "zirc wasm-ld: --lto-O: number expected, but got ''"],
    [['--lto-O4'], 'zirc wasm-ld: invalid optimization level for LTO: 4'],
    [['--error-limit=x'], "zirc wasm-ld: --error-limit: number expected, but got 'x'"],
    [['--threads=0'], "zirc wasm-ld: --threads: expected a positive integer, but got '0'"],
    [['--threads=abc'], "zirc wasm-ld: --threads: expected a positive integer, but got 'abc'"],
    [['-z', 'stack-size=abc'], 'zirc wasm-ld: invalid stack-size: abc (-z stack-size=abc)'],
    [['-z', 'stack-size='], 'zirc wasm-ld: invalid stack-size:  (-z stack-size=)'],
    [['-m', 'elf_x86_64'], 'zirc wasm-ld: invalid target architecture: elf_x86_64 (zirc wasm-ld links wasm32: -m wasm32)'],
    [['-m', 'wasm64'], 'zirc wasm-ld: -m wasm64: zirc wasm-ld links wasm32 only'],
    [['--color-diagnostics=foo'], 'zirc wasm-ld: unknown option value: --color-diagnostics=foo (expected always, never or auto)'],
    [['--unresolved-symbols=foo'], 'zirc wasm-ld: unknown --unresolved-symbols value: foo'],
    [['--rsp-quoting=foo'], 'zirc wasm-ld: invalid response file quoting: foo (expected posix or windows)'],
    [['--import-memory=env'], 'zirc wasm-ld: --import-memory=env: expected --import-memory=MODULE,NAME'],
    [['--export-memory='], 'zirc wasm-ld: --export-memory=: empty export name'],
  ])('%j', (args, message) => expect(errorOf([...args, 'main.o']).message).toBe(message));
});

describe('memory checks', () => {
  it.each([
    [['--initial-memory=65537'], 'zirc wasm-ld: initial memory must be 65536-byte aligned (--initial-memory=65537)'],
    [['--max-memory=65537'], 'zirc wasm-ld: maximum memory must be 65536-byte aligned (--max-memory=65537)'],
    [['--initial-heap=100'], 'zirc wasm-ld: initial heap must be 65536-byte aligned (--initial-heap=100)'],
    [['--max-memory=8589934592'], 'zirc wasm-ld: maximum memory too large, cannot be greater than 4294967296 (--max-memory=8589934592)'],
    [['--initial-memory=8589934592'], 'zirc wasm-ld: initial memory too large, cannot be greater than 4294967296 (--initial-memory=8589934592)'],
    [['--initial-memory=131072', '--max-memory=65536'], 'zirc wasm-ld: maximum memory too small: --initial-memory=131072 is more than --max-memory=65536'],
    [['-z', 'stack-size=17'], 'zirc wasm-ld: stack size must be 16-byte aligned (-z stack-size=17)'],
    [['--global-base=4294967296'], "zirc wasm-ld: --global-base=4294967296 is outside wasm32's 4 GiB address space"],
    [['--import-table', '--export-table'], 'zirc wasm-ld: --import-table and --export-table may not be used together'],
  ])('%j', (args, message) => expect(errorOf([...args, 'main.o']).message).toBe(message));
});

describe('features zirc wasm-ld does not have', () => {
  it.each([
    ['--shared-memory', 'zirc wasm-ld links single-threaded modules: no shared memory'],
    ['--shared', 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules'],
    ['-shared', 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules'],
    ['-pie', 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules'],
    ['--pie', 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules'],
    ['--experimental-pic', 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules'],
    ['--relocatable', 'zirc wasm-ld writes final modules, not relocatable objects'],
    ['-r', 'zirc wasm-ld writes final modules, not relocatable objects'],
    ['--emit-relocs', 'zirc wasm-ld writes final modules, not relocatable objects'],
    ['--compress-relocations', 'zirc wasm-ld writes final modules, not relocatable objects'],
    ['--print-map', 'it writes no link map'],
    ['-M', 'it writes no link map'],
    ['--trace', 'it does not trace inputs'],
    ['-t', 'it does not trace inputs'],
    ['--import-undefined', 'undefined symbols are errors unless --allow-undefined or --allow-undefined-file allows them'],
  ])('%s', (opt, reason) => {
    const err = errorOf([opt, 'main.o']);
    expect(err.option).toBe(opt);
    expect(err.message).toBe(`zirc wasm-ld: ${opt}: not supported by zirc wasm-ld: ${reason}`);
  });

  it.each([
    [['--Map=m.map'], '--Map'],
    [['-y', 'sym'], '-y'],
    [['--trace-symbol=sym'], '--trace-symbol'],
    [['--wrap=a=b'], '--wrap'],
    [['--reproduce=r.tar'], '--reproduce'],
    [['--features=atomics'], '--features'],
  ])('%j names %s', (args, opt) => {
    const err = errorOf([...args, 'main.o']);
    expect(err.option).toBe(opt);
    expect(err.message).toMatch(new RegExp(`^zirc wasm-ld: ${opt}: not supported by zirc wasm-ld: `));
  });

  it('refuses --unresolved-symbols=ignore-all and --rsp-quoting=windows by name', () => {
    expect(errorOf(['--unresolved-symbols=ignore-all', 'main.o']).message).toMatch(/^zirc wasm-ld: --unresolved-symbols=ignore-all: not supported/);
    expect(errorOf(['--rsp-quoting=windows', 'main.o']).message).toMatch(/^zirc wasm-ld: --rsp-quoting=windows: not supported/);
  });
});

describe('the line as a whole', () => {
  it('needs an input', () => expect(errorOf(['-o', 'x.wasm']).message).toBe('zirc wasm-ld: no input files'));
  it('refuses standard input', () => expect(errorOf(['-']).message).toBe('zirc wasm-ld: cannot read an input from standard input: -'));
  it('needs groups closed and not nested', () => {
    expect(errorOf(['--start-group', 'a.o']).message).toBe('zirc wasm-ld: missing --end-group: a --start-group is never closed');
    expect(errorOf(['--start-group', '--start-group', 'a.o']).message).toBe('zirc wasm-ld: nested --start-group: groups cannot nest');
    expect(errorOf(['a.o', '--end-group']).message).toBe('zirc wasm-ld: stray --end-group: no group was started');
  });
  it('--fatal-warnings makes a warning an error', () => {
    expect(errorOf(['--fatal-warnings', '--Bsymbolic', 'a.o']).message).toBe(
      'zirc wasm-ld: --Bsymbolic is only meaningful when combined with -shared (--fatal-warnings makes warnings errors)',
    );
  });
  it('--allow-undefined-file without a file reader, or with a file that cannot be read', () => {
    expect(errorOf(['--allow-undefined-file=syms', 'a.o']).message).toBe('zirc wasm-ld: cannot open syms (--allow-undefined-file)');
  });
});
