//! POSIX path arithmetic for the core, which has no `node:path`: the directory and last
//! name of a path, joining, and resolving a symlink's text against the directory it is
//! in. Lexical, like `node:path`'s posix functions: `..` removes the name before it.

/** `a/b/c` → `a/b`; `c` → `.`; `/c` → `/`. Trailing slashes are ignored. */
export function directoryOf(p: string): string {
  const trimmed = trimTrailingSlashes(p);
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  return trimTrailingSlashes(trimmed.slice(0, slash)) || '/';
}

/** `a/b/c` → `c`; trailing slashes are ignored. */
export function baseName(p: string): string {
  const trimmed = trimTrailingSlashes(p);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** `dir` and `name` joined and normalized. */
export function joinPath(dir: string, name: string): string {
  return normalizePath(`${dir}/${name}`);
}

/** Where `p` points from `dir`: `p` itself when absolute, else `dir/p`; normalized. */
export function resolveFrom(dir: string, p: string): string {
  return p.startsWith('/') ? normalizePath(p) : joinPath(dir, p);
}

/** Collapses `.`, `..` and repeated slashes; keeps leading `..` of a relative path. */
export function normalizePath(p: string): string {
  const absolute = p.startsWith('/');
  const names: string[] = [];
  for (const name of p.split('/')) {
    if (name === '' || name === '.') continue;
    if (name !== '..') names.push(name);
    else if (names.length > 0 && names[names.length - 1] !== '..') names.pop();
    else if (!absolute) names.push('..');
  }
  const joined = names.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

function trimTrailingSlashes(p: string): string {
  let end = p.length;
  while (end > 1 && p.charCodeAt(end - 1) === 0x2f) end--;
  return p.slice(0, end);
}
