//! Symbol-list files: `--allow-undefined-file=FILE` and the `.imports` file next to an
//! archive (wasi-libc's `libc.imports`), read as lld's `args::getLines`: one symbol a line,
//! surrounding whitespace trimmed, blank lines and `#` comment lines skipped.

export function symbolFileLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Appends each symbol not already in `into`, keeping first-seen order. */
export function addSymbols(into: string[], symbols: readonly string[]): void {
  const seen = new Set(into);
  for (const s of symbols) {
    if (!seen.has(s)) {
      seen.add(s);
      into.push(s);
    }
  }
}
