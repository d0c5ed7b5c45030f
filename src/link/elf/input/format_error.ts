//! The one error every input reader throws for a malformed or unsupported file. Its
//! message starts with the path (and, inside an archive, the member), then says where
//! (section, index, byte offset) and what is wrong, so a user can find the bad byte.

export class ObjectFormatError extends Error {
  override readonly name = 'ObjectFormatError';
  constructor(readonly path: string, readonly detail: string) {
    super(`${path}: ${detail}`);
  }
}
