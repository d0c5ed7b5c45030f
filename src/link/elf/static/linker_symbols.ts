//! The symbols the linker itself defines when an input refers to them — the ones musl's
//! start-up code and libc use (`__init_array_start`, `_end`, `__ehdr_start`, …, the
//! IRELATIVE range `__rela_iplt_start/_end` around `.rela.iplt`, empty without IFUNCs,
//! `_TLS_MODULE_BASE_` at the thread pointer, so its TP offset is 0) and `__start_X`/`__stop_X`
//! for an output section X named like a C identifier — and, after layout, their values.

import { STT_TLS } from '../input/index.js';
import { alignUp, Def, type LinkContext } from './context.js';

const FIXED = [
  '__ehdr_start', '__executable_start', '_etext', 'etext', '__etext', '_edata', 'edata', '__bss_start', '_end', 'end',
  '__init_array_start', '__init_array_end', '__fini_array_start', '__fini_array_end', '__preinit_array_start',
  '__preinit_array_end', '__rela_iplt_start', '__rela_iplt_end', '_GLOBAL_OFFSET_TABLE_', '_TLS_MODULE_BASE_',
];

/** Marks the referenced linker-defined symbols defined; must run after createOutputSections. */
export function defineLinkerSymbols(ctx: LinkContext): void {
  const s = ctx.symbols;
  const define = (name: string): void => {
    const g = s.byName.get(name);
    if (g !== undefined && s.def[g] === Def.Undefined) s.def[g] = Def.Linker;
  };
  for (const name of FIXED) define(name);
  for (const os of ctx.outputs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(os.name)) continue;
    define(`__start_${os.name}`);
    define(`__stop_${os.name}`);
  }
  // TLS descriptors of local-dynamic code add DTPOFFs to it: relaxed to local-exec, it sits at the thread pointer.
  const base = s.byName.get('_TLS_MODULE_BASE_');
  if (base !== undefined && s.def[base] === Def.Linker) s.type[base] = STT_TLS;
  const got = s.byName.get('_GLOBAL_OFFSET_TABLE_');
  if (got !== undefined && s.def[got] === Def.Linker) ctx.got.needed = true;
}

/** Gives the linker-defined symbols their addresses; runs after layout. */
export function assignLinkerSymbols(ctx: LinkContext): void {
  const s = ctx.symbols;
  const find = (name: string) => ctx.outputs.find((o) => o.name === name);
  const rx = ctx.segments.find((p) => p.type === 1 && (p.flags & 1));
  const rw = ctx.segments.find((p) => p.type === 1 && (p.flags & 2));
  const etext = rx ? rx.vaddr + rx.memsz : ctx.imageBase;
  const edata = rw ? rw.vaddr + rw.filesz : etext;
  const end = rw ? rw.vaddr + rw.memsz : etext;
  const bss = find('.bss');
  const range = (name: string): [number, number] => {
    const os = find(name);
    return os ? [os.addr, os.addr + os.size] : [edata, edata];
  };
  const values = new Map<string, number>([
    ['__ehdr_start', ctx.imageBase], ['__executable_start', ctx.imageBase],
    ['_etext', etext], ['etext', etext], ['__etext', etext], ['_edata', edata], ['edata', edata],
    ['__bss_start', bss ? bss.addr : edata], ['_end', end], ['end', end],
    ['__init_array_start', range('.init_array')[0]], ['__init_array_end', range('.init_array')[1]],
    ['__fini_array_start', range('.fini_array')[0]], ['__fini_array_end', range('.fini_array')[1]],
    ['__preinit_array_start', range('.preinit_array')[0]], ['__preinit_array_end', range('.preinit_array')[1]],
    ['__rela_iplt_start', ctx.iplt.rela >= 0 ? ctx.outputs[ctx.iplt.rela]!.addr : ctx.imageBase],
    ['__rela_iplt_end', ctx.iplt.rela >= 0 ? ctx.outputs[ctx.iplt.rela]!.addr + ctx.outputs[ctx.iplt.rela]!.size : ctx.imageBase],
    ['_GLOBAL_OFFSET_TABLE_', ctx.got.section >= 0 ? ctx.outputs[ctx.got.section]!.addr : edata],
    ['_TLS_MODULE_BASE_', ctx.tls.start + alignUp(ctx.tls.memsz, ctx.tls.align)],
  ]);
  for (const os of ctx.outputs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(os.name)) continue;
    values.set(`__start_${os.name}`, os.addr);
    values.set(`__stop_${os.name}`, os.addr + os.size);
  }
  for (let g = 0; g < s.names.length; g++) {
    if (s.def[g] !== Def.Linker) continue;
    s.value[g] = values.get(s.names[g]!) ?? 0;
  }
}
