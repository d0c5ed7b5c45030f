//! The checks wasm-ld makes on the memory options before it lays anything out: sizes are
//! whole 64 KiB pages within wasm32's 4 GiB, the stack is 16-byte aligned, the initial
//! memory fits under the maximum, and a table is not both imported and exported. Messages
//! are wasm-ld's. Pure: run on the finished plan.

import type { WasmLdPlan } from './plan.js';
import { WASM32_MEMORY_LIMIT, WASM_PAGE_SIZE, WasmLdUsageError } from './plan.js';

type MemoryOptions = Pick<
  WasmLdPlan,
  'initialMemory' | 'maxMemory' | 'initialHeap' | 'stackSize' | 'globalBase' | 'importTable' | 'exportTable'
>;

function checkPages(option: string, what: string, bytes: number | null): void {
  if (bytes === null) return;
  if (bytes % WASM_PAGE_SIZE !== 0) throw new WasmLdUsageError(option, `${what} must be ${WASM_PAGE_SIZE}-byte aligned (${option}=${bytes})`);
  if (bytes > WASM32_MEMORY_LIMIT) {
    throw new WasmLdUsageError(option, `${what} too large, cannot be greater than ${WASM32_MEMORY_LIMIT} (${option}=${bytes})`);
  }
}

export function checkMemoryOptions(plan: MemoryOptions): void {
  checkPages('--initial-memory', 'initial memory', plan.initialMemory);
  checkPages('--max-memory', 'maximum memory', plan.maxMemory);
  checkPages('--initial-heap', 'initial heap', plan.initialHeap);
  if (plan.initialMemory !== null && plan.maxMemory !== null && plan.initialMemory > plan.maxMemory) {
    throw new WasmLdUsageError(
      '--max-memory',
      `maximum memory too small: --initial-memory=${plan.initialMemory} is more than --max-memory=${plan.maxMemory}`,
    );
  }
  if (plan.stackSize % 16 !== 0) throw new WasmLdUsageError('-z', `stack size must be 16-byte aligned (-z stack-size=${plan.stackSize})`);
  if (plan.stackSize >= WASM32_MEMORY_LIMIT) throw new WasmLdUsageError('-z', `stack size too large: -z stack-size=${plan.stackSize}`);
  if (plan.globalBase !== null && plan.globalBase >= WASM32_MEMORY_LIMIT) {
    throw new WasmLdUsageError('--global-base', `--global-base=${plan.globalBase} is outside wasm32's 4 GiB address space`);
  }
  if (plan.importTable && plan.exportTable) {
    throw new WasmLdUsageError('--export-table', '--import-table and --export-table may not be used together');
  }
}
