//! Writes the whole wasm module for a layout into a reusable ByteWriter: the header and
//! the sections in the order the spec requires. A flush costs one copy of the output.

import type { ByteWriter } from '../../codegen/wasm/leb.js';
import type { ModuleLayout } from './layout.js';
import type { WasmObject } from './object.js';
import {
  WASM_MAGIC,
  writeCodeSection,
  writeDataSection,
  writeElementSection,
  writeExportSection,
  writeFunctionSection,
  writeGlobalSection,
  writeImportSection,
  writeMemorySection,
  writeNameSection,
  writeTableSection,
  writeTypeSection,
} from './sections.js';

export function writeModule(w: ByteWriter, obj: WasmObject, layout: ModuleLayout): void {
  w.length = 0;
  w.raw(WASM_MAGIC);
  writeTypeSection(w, obj, layout);
  writeImportSection(w, layout);
  writeFunctionSection(w, layout);
  writeTableSection(w, layout);
  writeMemorySection(w, layout);
  writeGlobalSection(w, layout);
  writeExportSection(w, layout);
  writeElementSection(w, layout);
  writeCodeSection(w, obj, layout);
  writeDataSection(w, obj, layout);
  writeNameSection(w, layout);
}
