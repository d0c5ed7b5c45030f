//! The first step of a relink in place, the same for every format: a changed input must be
//! a plain object that is in the last link once, and must read; then the format compares
//! it with the object it replaces. Says why not, or gives the object's index and the new one.

export interface ObjectReader<T> {
  isArchive(bytes: Uint8Array): boolean;
  read(path: string, bytes: Uint8Array): T;
  /** Whether `e` says the bytes are not a valid object (any other error is a fault, thrown on). */
  isFormatError(e: unknown): boolean;
}

export function changedObject<T>(
  inputs: readonly { path: string; bytes: Uint8Array }[],
  path: string,
  objectByPath: ReadonlyMap<string, number>,
  reader: ObjectReader<T>,
): { o: number; next: T } | string {
  const input = inputs.find((f) => f.path === path);
  if (!input) return `${path} is not an input`;
  if (reader.isArchive(input.bytes)) return `${path} is an archive`;
  const o = objectByPath.get(path);
  if (o === undefined || o < 0) return `${path} is not in the link as one object`;
  try {
    return { o, next: reader.read(path, input.bytes) };
  } catch (e) {
    if (reader.isFormatError(e)) return `${path} cannot be read`;
    throw e;
  }
}
