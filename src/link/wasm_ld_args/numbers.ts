//! The numbers on a wasm-ld command line, read as wasm-ld reads them: option values
//! (`--initial-memory=N`, `-O N`, `--threads=N`) are decimal; `-z stack-size=N` takes C's
//! forms (`0x10`, `020`, `16`) as LLVM's `to_integer(…, 0)` does. Each reader returns
//! undefined for a malformed number, so the caller words the error around its option.

/** A non-negative decimal integer, or undefined. */
export function parseDecimal(text: string): number | undefined {
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** A non-negative integer in C's notation (`0x` hex, `0b` binary, leading-`0` octal, else decimal). */
export function parseCInteger(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0[bB][01]+$/.test(text)) return Number.parseInt(text.slice(2), 2);
  if (/^0[0-7]*$/.test(text)) return text.length === 1 ? 0 : Number.parseInt(text.slice(1), 8);
  return /^[1-9][0-9]*$/.test(text) ? Number(text) : undefined;
}
