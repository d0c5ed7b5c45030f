//! Each target's code generator, by target name: AIR in, the linker's input out (machine
//! code or a wasm body, with relocations). Pure functions of the AIR, which is what lets
//! code generation run on any thread (compile/codegen_pool.ts) with the same result.

import type { AirFunction } from '../sema/air.js';
import type { TargetName } from '../compile/target.js';
import { generateFunction as generateX86Function } from './x86_64/codegen.js';
import { generateFunction as generateWasmFunction } from './wasm/codegen.js';

export const CODE_GENERATORS: Record<TargetName, (func: AirFunction) => unknown> = {
  'x86_64-linux': generateX86Function,
  'wasm32-wasi': generateWasmFunction,
};
