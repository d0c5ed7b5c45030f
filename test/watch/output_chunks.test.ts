// Cutting a program's output stream into the pieces `--json` forwards: size of a piece,
// the cap per run, and UTF-8 characters never split, whatever pieces the pipe delivers.
import { describe, expect, it } from 'vitest';
import { OutputChunker } from '../../src/cli/watch/output_chunks.js';

const euro = Buffer.from('€'); // 3 bytes

describe('output chunker', () => {
  it('cuts large reads into pieces of at most the chunk size, in order', () => {
    const c = new OutputChunker(1 << 20, 10);
    const chunks = c.push(Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    expect(chunks.map(String)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    expect(c.forwardedBytes).toBe(26);
  });

  it('holds the start of a character split between reads until its end arrives', () => {
    const c = new OutputChunker();
    expect(c.push(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)])).map(String)).toEqual(['a']);
    expect(c.push(Buffer.concat([euro.subarray(2), Buffer.from('b')])).map(String)).toEqual(['€b']);
    expect(c.end()).toEqual([]);
  });

  it('does not cut a piece inside a character', () => {
    const c = new OutputChunker(1 << 20, 4);
    const chunks = c.push(Buffer.from('a€€'));
    expect(chunks.map(String)).toEqual(['a€', '€']);
  });

  it('forwards an incomplete character left at the end as it is', () => {
    const c = new OutputChunker();
    expect(c.push(euro.subarray(0, 2))).toEqual([]);
    expect(c.end()).toEqual([euro.subarray(0, 2)]);
    expect(c.forwardedBytes).toBe(2);
  });

  it('forwards up to the cap over many reads, on a character boundary, and counts the rest', () => {
    const c = new OutputChunker(10, 4);
    expect(Buffer.concat(c.push(Buffer.from('12345678'))).toString()).toBe('12345678');
    expect(Buffer.concat(c.push(Buffer.from('9€'))).toString()).toBe('9'); // '€' would pass the cap
    expect(c.push(Buffer.from('more'))).toEqual([]);
    expect(c.end()).toEqual([]);
    const exact = new OutputChunker(4, 4);
    expect(exact.push(Buffer.from('abcd')).map(String)).toEqual(['abcd']);
    expect(exact.push(Buffer.from('e'))).toEqual([]);
    expect([exact.forwardedBytes, exact.droppedBytes]).toEqual([4, 1]);
    const split = new OutputChunker(4, 4);
    expect(split.push(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)])).map(String)).toEqual(['ab']); // the cap falls inside '€'
    expect([split.forwardedBytes, split.droppedBytes]).toEqual([2, 2]);
    expect([c.forwardedBytes, c.droppedBytes]).toEqual([9, 7]);
  });

  it('passes bytes that are not UTF-8 through unchanged', () => {
    const c = new OutputChunker(1 << 20, 2);
    const bytes = Buffer.from([0xff, 0x80, 0x80, 0x80, 0x80, 0x41]);
    expect(Buffer.concat([...c.push(bytes), ...c.end()])).toEqual(bytes);
  });
});
