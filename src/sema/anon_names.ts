//! Names of the anonymous constants sema creates (string literals, `ref` of a comptime
//! value). They share the linker's symbol namespace with the program's decls, so their
//! names contain a byte that no ZIR name may (spec §2: `(` ends a NAME): a program can
//! never define a decl that collides with one. `zirc ir` prints them under the spec's
//! readable name `<owner>__anon_<n>` instead (`printableAnonName`), avoiding the names
//! the program uses.

/** The symbol name of the `n`th anonymous constant of decl `owner`: `owner(anon n)`. */
export function anonSymbolName(owner: string, n: number): string {
  return `${owner}(anon ${n})`;
}

const ANON_SYMBOL = /^(.*)\(anon (\d+)\)$/s;

/** `owner__anon_n` for an anonymous constant's symbol name; other names unchanged. */
export function printableAnonName(symbolName: string): string {
  const m = ANON_SYMBOL.exec(symbolName);
  return m === null ? symbolName : `${m[1]}__anon_${m[2]}`;
}
