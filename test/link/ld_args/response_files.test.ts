// Response-file text splits into arguments exactly as GNU libiberty's buildargv does.
import { describe, expect, it } from 'vitest';
import { expandResponseFiles, splitResponseFile } from '../../../src/link/ld_args/response_files.js';
import { LdUsageError } from '../../../src/link/ld_args/plan.js';

describe('splitResponseFile (libiberty buildargv)', () => {
  it.each([
    ['  a\tb\n\nc  ', ['a', 'b', 'c']],
    ['', []],
    ['   \n', []],
    ['"a b" \'c d\'', ['a b', 'c d']],
    ['x"a b"y', ['xa by']],
    ['"it\'s" \'say "hi"\'', ["it's", 'say "hi"']],
    ['a\\ b \\"q\\"', ['a b', '"q"']],
    ['"a\\"b" \'c\\\'d\'', ['a"b', "c'd"]],
    ['\'\' ""', ['', '']],
    ['C:\\\\dir\\\\f.o', ['C:\\dir\\f.o']],
    ['-Wl,--x "-L/path with space"', ['-Wl,--x', '-L/path with space']],
  ])('%j', (text, args) => expect(splitResponseFile(text)).toEqual(args));
});

describe('expandResponseFiles', () => {
  it('keeps a lone @ and everything without a reader', () => {
    expect(expandResponseFiles(['@', 'a'], () => 'x')).toEqual(['@', 'a']);
    expect(expandResponseFiles(['@f'], undefined)).toEqual(['@f']);
  });

  it('stops a file that includes itself with an error naming it', () => {
    expect(() => expandResponseFiles(['@self'], () => '@self')).toThrow(LdUsageError);
    expect(() => expandResponseFiles(['@self'], () => '@self')).toThrow('zirc ld: @self: too many response files');
  });
});
