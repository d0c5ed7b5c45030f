//! The input readers of the wasm linker: relocatable objects and archives of them, read
//! from bytes into plain data. This file only gathers their public names.

export * from './wasm_constants.js';
export * from './relocation_types.js';
export { ObjectFormatError } from '../../elf/input/format_error.js';
export type * from './object_model.js';
export { functionBody } from './object_model.js';
export { readWasmObject } from './object_reader.js';
export { isArchive, isWasmObject, readWasmArchive, readWasmMember, type Archive, type ArchiveMember } from './archive.js';
