// Every command line zirc ld cannot honour is an LdUsageError whose message names the
// option (or value) at fault; options meant for dynamic or shared links say that zirc ld
// makes static non-PIE executables.
import { describe, expect, it } from 'vitest';
import { parseLdArgs } from '../../../src/link/ld_args/parse_ld_args.js';
import { LdUsageError } from '../../../src/link/ld_args/plan.js';

function usageError(args: string[]): LdUsageError {
  try {
    parseLdArgs(args);
  } catch (e) {
    if (e instanceof LdUsageError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(args)}`);
}

describe('unknown and unsupported options', () => {
  it.each([
    [['--foo', 'a.o'], 'zirc ld: unknown option: --foo', '--foo'],
    [['-static-pie', 'a.o'], 'zirc ld: unknown option: -static-pie', '-static-pie'],
    [['--whole-arch', 'a.o'], 'zirc ld: unknown option: --whole-arch', '--whole-arch'],
    [['-fuse-ld=lld', 'a.o'], 'zirc ld: unknown option: -fuse-ld=lld', '-fuse-ld=lld'],
    [['-vx', 'a.o'], 'zirc ld: unknown option: -vx', '-vx'],
    [['--gc-sections=yes', 'a.o'], 'zirc ld: --gc-sections takes no value: --gc-sections=yes', '--gc-sections'],
    [['-r', 'a.o'], 'zirc ld: -r: not supported by zirc ld', '-r'],
    [['-T', 'x.ld', 'a.o'], 'zirc ld: -T: not supported by zirc ld', '-T'],
    [['--version-script=v', 'a.o'], 'zirc ld: --version-script: not supported by zirc ld', '--version-script'],
    [['-z', 'muldefs', 'a.o'], 'zirc ld: -z muldefs: not supported (zirc ld reports duplicate symbols)', '-z muldefs'],
  ])('%j', (args, message, option) => {
    const e = usageError(args);
    expect(e.message).toBe(message);
    expect(e.option).toBe(option);
  });
});

describe('options for dynamic or shared links', () => {
  it.each([
    [['-shared'], '-shared'],
    [['--shared'], '--shared'],
    [['-Bshareable'], '-Bshareable'],
    [['--export-dynamic'], '--export-dynamic'],
    [['-export-dynamic'], '-export-dynamic'],
    [['-E'], '-E'],
    [['-Bsymbolic'], '-Bsymbolic'],
    [['-soname', 'libx.so'], '-soname'],
    [['-h', 'libx.so'], '-h'],
    [['-rpath', '/x'], '-rpath'],
    [['-R', '/x'], '-R'],
    [['--dynamic-list=l'], '--dynamic-list'],
  ])('%j', (args, option) => {
    const e = usageError([...args, 'a.o']);
    expect(e.option).toBe(option);
    expect(e.message).toBe(`zirc ld: ${option}: zirc ld makes static non-PIE executables only; ${option} is for dynamic or shared links`);
  });

  it.each([['-pie'], ['--pie'], ['-pic-executable']])('%s unless a -no-pie follows', (pie) => {
    const e = usageError([pie, 'a.o']);
    expect(e.message).toBe(`zirc ld: ${pie}: zirc ld makes static non-PIE executables only (give -no-pie)`);
    expect(usageError(['-no-pie', pie, 'a.o']).option).toBe(pie);
  });
});

describe('bad values', () => {
  it.each([
    [['-m', 'elf_i386'], 'zirc ld: unsupported emulation: elf_i386 (zirc ld links x86-64 ELF: -m elf_x86_64)'],
    [['-maarch64linux'], 'zirc ld: unsupported emulation: aarch64linux (zirc ld links x86-64 ELF: -m elf_x86_64)'],
    [['--build-id=xyz'], 'zirc ld: unknown --build-id style: xyz (expected none, fast, md5, sha1, uuid or 0xHEX)'],
    [['--build-id=0xzz'], 'zirc ld: --build-id: not a hexadecimal value: zz'],
    [['--hash-style=xx'], 'zirc ld: unknown --hash-style: xx (expected gnu, sysv or both)'],
    [['-Ofoo'], "zirc ld: -O: number expected, but got 'foo'"],
    [['-z', 'max-page-size=abc'], 'zirc ld: invalid max-page-size: abc'],
    [['-z', 'max-page-size=3000'], "zirc ld: max-page-size: value isn't a power of 2: 3000"],
    [['--color-diagnostics=sometimes'], 'zirc ld: unknown option value: --color-diagnostics=sometimes (expected always, never or auto)'],
    [['--defsym=a'], 'zirc ld: --defsym: syntax error: a (expected SYMBOL=EXPRESSION)'],
    [['--defsym=a='], 'zirc ld: --defsym: syntax error: a= (expected SYMBOL=EXPRESSION)'],
    [['--defsym==1'], 'zirc ld: --defsym: syntax error: =1 (expected SYMBOL=EXPRESSION)'],
    [['--defsym=a=1+'], 'zirc ld: --defsym: unsupported expression for a: 1+ (zirc ld accepts a number, a symbol, or symbol +/- number)'],
    [['--defsym=a=b*2'], 'zirc ld: --defsym: unsupported expression for a: b*2 (zirc ld accepts a number, a symbol, or symbol +/- number)'],
    [['-l:'], 'zirc ld: -l: missing library name'],
  ])('%j', (args, message) => expect(usageError([...args, 'a.o']).message).toBe(message));

  it('an option missing its value names it', () => {
    for (const opt of ['-o', '--output', '-e', '-L', '-l', '-u', '-z', '-m', '--defsym', '-plugin', '-dynamic-linker']) {
      expect(usageError(['a.o', opt]).message).toBe(`zirc ld: ${opt}: missing argument`);
    }
  });
});

describe('groups, state and inputs', () => {
  it.each([
    [['--start-group', '-la', '--start-group', '-lb', '--end-group', '--end-group'], 'zirc ld: nested --start-group: groups cannot nest'],
    [['-(', '-(', '-)', '-)'], 'zirc ld: nested -(: groups cannot nest'],
    [['--end-group', 'a.o'], 'zirc ld: stray --end-group: no group was started'],
    [['-)', 'a.o'], 'zirc ld: stray -): no group was started'],
    [['--start-group', 'a.o'], 'zirc ld: missing --end-group: a --start-group is never closed'],
    [['--pop-state', 'a.o'], 'zirc ld: unbalanced --push-state/--pop-state: --pop-state with no state pushed'],
    [['--push-state', '--pop-state', '--pop-state', 'a.o'], 'zirc ld: unbalanced --push-state/--pop-state: --pop-state with no state pushed'],
    [['-', 'a.o'], 'zirc ld: cannot read an input from standard input: -'],
    [['', 'a.o'], 'zirc ld: empty input file name'],
    [['-static', '-o', 'x'], 'zirc ld: no input files'],
    [[], 'zirc ld: no input files'],
  ])('%j', (args, message) => expect(usageError(args).message).toBe(message));

  it('--fatal-warnings turns a warning into an error', () => {
    expect(usageError(['--fatal-warnings', '-z', 'foo', 'a.o']).message).toBe(
      'zirc ld: unknown -z value: foo (--fatal-warnings makes warnings errors)',
    );
  });
});
