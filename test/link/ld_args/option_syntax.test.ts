// Every spelling GNU ld / ld.lld accept for the options zirc ld knows gives the same plan,
// and the position-dependent options apply to the inputs after them.
import { describe, expect, it } from 'vitest';
import { parseLdArgs } from '../../../src/link/ld_args/parse_ld_args.js';

const parse = (...args: string[]) => parseLdArgs([...args, 'main.o']);

describe('options with a value', () => {
  it.each([
    [['-o', 'out']],
    [['-oout']],
    [['--output=out']],
    [['--output', 'out']],
    [['-output=out']],
  ])('output %j', (args) => expect(parse(...args).output).toBe('out'));

  it('-output without = is -o utput, as in GNU ld and ld.lld', () => {
    const plan = parseLdArgs(['-output', 'x.o']);
    expect(plan.output).toBe('utput');
    expect(plan.inputs.map((i) => i.kind === 'file' && i.path)).toEqual(['x.o']);
  });

  it('defaults the output to a.out', () => expect(parse().output).toBe('a.out'));

  it.each([[['-e', 'go']], [['-ego']], [['--entry=go']], [['--entry', 'go']], [['-entry', 'go']], [['-entry=go']]])(
    'entry %j',
    (args) => expect(parse(...args).entry).toBe('go'),
  );

  it('collects -u / --undefined in order', () => {
    expect(parse('-u', 'a', '-ub', '--undefined=c', '--undefined', 'd', '-undefined=e').undefinedSymbols).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('takes -L DIR, -LDIR, --library-path=DIR and --library-path DIR in order', () => {
    expect(parse('-L', 'a', '-Lb', '--library-path=c', '--library-path', 'd').searchDirs).toEqual(['a', 'b', 'c', 'd']);
  });

  it('puts -L=DIR and -L$SYSROOT/DIR under --sysroot, wherever --sysroot appears', () => {
    const plan = parse('-L=/lib', '-L$SYSROOT/usr/lib', '-L/abs', '--sysroot=/sr');
    expect(plan.searchDirs).toEqual(['/sr/lib', '/sr/usr/lib', '/abs']);
    expect(plan.sysroot).toBe('/sr');
    expect(parse('--sysroot', '/x').sysroot).toBe('/x');
  });

  it('takes -l NAME, -lNAME, --library=NAME, --library NAME, -library NAME and -l:FILE', () => {
    const plan = parseLdArgs(['-l', 'a', '-lb', '--library=c', '--library', 'd', '-library', 'e', '-l:libf.a']);
    expect(plan.inputs.map((i) => i.kind === 'library' && [i.name, i.exact])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', false],
      ['e', false],
      ['libf.a', true],
    ]);
  });

  it('accepts -m elf_x86_64 and -melf_x86_64', () => {
    expect(() => parse('-m', 'elf_x86_64')).not.toThrow();
    expect(() => parse('-melf_x86_64')).not.toThrow();
  });

  it('takes -O N and -ON', () => {
    expect(parse('-O1').optimize).toBe(1);
    expect(parse('-O', '2').optimize).toBe(2);
  });
});

describe('--defsym', () => {
  it('reads numbers in decimal, hex and with K/M suffixes', () => {
    expect(parse('--defsym=a=42', '--defsym', 'b=0x10', '-defsym=c=4K', '--defsym=d=1M', '--defsym=e=1fh').defsyms).toEqual([
      { name: 'a', kind: 'absolute', value: 42n },
      { name: 'b', kind: 'absolute', value: 16n },
      { name: 'c', kind: 'absolute', value: 4096n },
      { name: 'd', kind: 'absolute', value: 1048576n },
      { name: 'e', kind: 'absolute', value: 31n },
    ]);
  });

  it('reads a symbol, and a symbol plus or minus a number', () => {
    expect(parse('--defsym=a=main', '--defsym=b=main+8', '--defsym=c=_start - 0x10').defsyms).toEqual([
      { name: 'a', kind: 'symbol', target: 'main', addend: 0n },
      { name: 'b', kind: 'symbol', target: 'main', addend: 8n },
      { name: 'c', kind: 'symbol', target: '_start', addend: -16n },
    ]);
  });

  it('reads a 64-bit value exactly', () => {
    expect(parse('--defsym=a=0xffffffffffffffff').defsyms[0]).toEqual({ name: 'a', kind: 'absolute', value: 2n ** 64n - 1n });
  });
});

describe('--build-id', () => {
  it.each([
    ['--build-id', { kind: 'fast' }],
    ['--build-id=none', { kind: 'none' }],
    ['--build-id=fast', { kind: 'fast' }],
    ['--build-id=md5', { kind: 'md5' }],
    ['--build-id=sha1', { kind: 'sha1' }],
    ['--build-id=tree', { kind: 'sha1' }],
    ['--build-id=uuid', { kind: 'uuid' }],
    ['--build-id=0xDEADbeef', { kind: 'hex', hex: 'deadbeef' }],
  ])('%s', (arg, expected) => expect(parse(arg).buildId).toEqual(expected));

  it('takes its value only after =: --build-id sha1 is a bare --build-id and an input', () => {
    const plan = parseLdArgs(['--build-id', 'sha1']);
    expect(plan.buildId).toEqual({ kind: 'fast' });
    expect(plan.inputs).toMatchObject([{ kind: 'file', path: 'sha1' }]);
  });

  it('is none unless asked', () => expect(parse().buildId).toEqual({ kind: 'none' }));
});

describe('flags', () => {
  it('gc-sections, print-gc-sections, eh-frame-hdr: the last one wins', () => {
    expect(parse('--gc-sections').gcSections).toBe(true);
    expect(parse('--print-gc-sections').printGcSections).toBe(true);
    expect(parse('--print-gc-sections', '--no-print-gc-sections').printGcSections).toBe(false);
    expect(parse().printGcSections).toBe(false);
    expect(parse('-gc-sections', '--no-gc-sections').gcSections).toBe(false);
    expect(parse('--eh-frame-hdr').ehFrameHdr).toBe(true);
    expect(parse('--eh-frame-hdr', '--no-eh-frame-hdr').ehFrameHdr).toBe(false);
  });

  it('strip and discard', () => {
    expect(parse('-s').strip).toBe('all');
    expect(parse('--strip-all').strip).toBe('all');
    expect(parse('-S').strip).toBe('debug');
    expect(parse('--strip-debug').strip).toBe('debug');
    expect(parse('-s', '-S').strip).toBe('all');
    expect(parse('-X').discard).toBe('locals');
    expect(parse('-x').discard).toBe('all');
  });

  it('--hash-style=gnu|sysv|both', () => {
    for (const style of ['gnu', 'sysv', 'both'] as const) expect(parse(`--hash-style=${style}`).hashStyle).toBe(style);
    expect(parse('--hash-style', 'sysv').hashStyle).toBe('sysv');
  });

  it('--no-undefined and -z defs', () => {
    expect(parse('--no-undefined').noUndefined).toBe(true);
    expect(parse('-z', 'defs').noUndefined).toBe(true);
  });

  it('accepts and ignores the LTO plugin, color, -nostdlib, -dynamic-linker', () => {
    const plan = parse(
      '-plugin', '/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so',
      '-plugin-opt=-fresolution=/tmp/x.res', '--plugin-opt=O2', '-plugin-opt', 'mcpu=x86-64',
      '--color-diagnostics', '--color-diagnostics=always', '--no-color-diagnostics',
      '-nostdlib', '-dynamic-linker', '/lib64/ld-linux-x86-64.so.2', '--fatal-warnings', '--no-fatal-warnings',
    );
    expect(plan.inputs).toHaveLength(1);
    expect(plan.nostdlib).toBe(true);
    expect(plan.dynamicLinker).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(plan.fatalWarnings).toBe(false);
    expect(parse('--dynamic-linker=/x', '--no-dynamic-linker').dynamicLinker).toBeNull();
  });

  it('-pie followed by -no-pie is a static non-PIE link', () => {
    expect(() => parse('-pie', '-no-pie')).not.toThrow();
    expect(() => parse('--pic-executable', '--no-pie')).not.toThrow();
  });
});

describe('-z keywords', () => {
  it('takes -z KEYWORD and -zKEYWORD, last one wins', () => {
    const plan = parse('-z', 'now', '-zrelro', '-z', 'norelro', '-znoexecstack', '-z', 'separate-code', '-z', 'nodelete');
    expect(plan.z).toMatchObject({ now: true, relro: false, execStack: false, separateCode: true });
    expect(plan.zKeywords).toEqual(['now', 'relro', 'norelro', 'noexecstack', 'separate-code', 'nodelete']);
    expect(parse('-z', 'now', '-z', 'lazy').z.now).toBe(false);
    expect(parse('-z', 'execstack').z.execStack).toBe(true);
    expect(parse('-z', 'notext').z.text).toBe(false);
    expect(parse('-z', 'separate-code', '-z', 'noseparate-code').z.separateCode).toBe(false);
    expect(parse().z.startStopGc).toBe(false);
    expect(parse('-z', 'start-stop-gc').z.startStopGc).toBe(true);
    expect(parse('-z', 'start-stop-gc', '-z', 'nostart-stop-gc').z.startStopGc).toBe(false);
  });

  it('reads sizes with C prefixes, as ld.lld does (0x hex, 0 octal)', () => {
    const plan = parse('-z', 'max-page-size=0x200000', '-zcommon-page-size=4096', '-z', 'stack-size=010');
    expect(plan.z.maxPageSize).toBe(0x200000n);
    expect(plan.z.commonPageSize).toBe(4096n);
    expect(plan.z.stackSize).toBe(8n);
  });

  it('an unknown keyword is a warning, not an error', () => {
    const plan = parse('-z', 'frobnicate', '-zfoo=1');
    expect(plan.warnings).toEqual(['unknown -z value: frobnicate', 'unknown -z value: foo=1']);
    expect(plan.zKeywords).toEqual([]);
  });
});

describe('position-dependent state', () => {
  const flags = (plan: ReturnType<typeof parseLdArgs>) =>
    plan.inputs.map((i) => `${i.kind === 'file' ? i.path : '-l' + i.name}:${i.wholeArchive ? 'W' : ''}${i.asNeeded ? 'A' : ''}${i.staticOnly ? 'S' : ''}`);

  it('--whole-archive / --no-whole-archive apply to the inputs between them', () => {
    expect(flags(parseLdArgs(['a.o', '--whole-archive', 'b.a', '-lc', '--no-whole-archive', 'd.a']))).toEqual(['a.o:', 'b.a:W', '-lc:W', 'd.a:']);
  });

  it('-Bstatic, -static, -dn, -non_shared and -Bdynamic, -dy, -call_shared switch the static state', () => {
    for (const on of ['-Bstatic', '-static', '--static', '-dn', '-non_shared']) {
      for (const off of ['-Bdynamic', '-dy', '-call_shared']) {
        expect(flags(parseLdArgs(['-la', on, '-lb', off, '-lc']))).toEqual(['-la:', '-lb:S', '-lc:']);
      }
    }
  });

  it('--as-needed / --no-as-needed', () => {
    expect(flags(parseLdArgs(['--as-needed', '-la', '--no-as-needed', '-lb']))).toEqual(['-la:A', '-lb:']);
  });

  it('--push-state saves and --pop-state restores all three', () => {
    const plan = parseLdArgs(['-static', '-la', '--push-state', '--whole-archive', '--as-needed', '-Bdynamic', '-lb', '--pop-state', '-lc']);
    expect(flags(plan)).toEqual(['-la:S', '-lb:WA', '-lc:S']);
  });

  it('numbers groups and marks their members; -( -) is --start-group --end-group', () => {
    const plan = parseLdArgs(['a.o', '--start-group', '-la', 'b.a', '--end-group', '-(', '-lc', '-)', '-start-group', '-ld', '-end-group', 'z.o']);
    expect(plan.inputs.map((i) => i.groupId)).toEqual([null, 1, 1, 2, 3, null]);
  });
});

describe('version, help and response files', () => {
  it('--version and --help ask to print and not to link', () => {
    expect(parseLdArgs(['--version'])).toMatchObject({ printVersion: true, link: false });
    expect(parseLdArgs(['-version'])).toMatchObject({ printVersion: true, link: false });
    expect(parseLdArgs(['--help'])).toMatchObject({ printHelp: true, link: false });
    expect(parseLdArgs(['--version', 'a.o'])).toMatchObject({ printVersion: true, link: false });
  });

  it('-v prints the version and links when there are inputs', () => {
    expect(parseLdArgs(['-v'])).toMatchObject({ printVersion: true, link: false });
    expect(parseLdArgs(['-v', 'a.o'])).toMatchObject({ printVersion: true, link: true });
  });

  it('expands @file through the injected reader, recursively, in place', () => {
    const files: Record<string, string> = {
      'args.rsp': '-o "my out"\n-L/lib @more.rsp\nmain.o',
      'more.rsp': "-lc 'it''s.o' a\\ b.o",
    };
    const plan = parseLdArgs(['-static', '@args.rsp', 'last.o'], { readResponseFile: (p) => files[p] });
    expect(plan.output).toBe('my out');
    expect(plan.searchDirs).toEqual(['/lib']);
    expect(plan.inputs.map((i) => (i.kind === 'file' ? i.path : '-l' + i.name))).toEqual(['-lc', 'its.o', 'a b.o', 'main.o', 'last.o']);
    expect(plan.inputs.every((i) => i.staticOnly)).toBe(true);
  });

  it('leaves an unreadable @file as an input name, as libiberty does', () => {
    const plan = parseLdArgs(['@missing.rsp'], { readResponseFile: () => undefined });
    expect(plan.inputs).toMatchObject([{ kind: 'file', path: '@missing.rsp' }]);
  });
});
