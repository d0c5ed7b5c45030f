//! The input readers of the ELF linker: relocatable objects and `ar` archives, read from
//! bytes into plain data. This file only gathers their public names.

export * from '../elf_constants.js';
export { ObjectFormatError } from './format_error.js';
export type { ElfObject, InputSection, Note, RelocationTable, SectionGroup, SymbolTable } from './object_model.js';
export { readElfObject } from './object_reader.js';
export { isKnownRelocationType, relocationTypeName, relocationWidth } from './x86_64_relocations.js';
export { isArchive, readArchive, type Archive, type ArchiveMember } from './archive.js';
export { readArchiveCached, readElfObjectCached } from './parse_cache.js';
