//! The x86-64 psABI relocation types: their names (as `readelf -r` prints them, so errors
//! can name them) and how many bytes of the section each one patches, so a reader can
//! check a relocation stays inside the section it applies to.

/** [type, name, bytes patched] in psABI order. */
const TABLE: ReadonlyArray<readonly [number, string, number]> = [
  [0, 'R_X86_64_NONE', 0],
  [1, 'R_X86_64_64', 8],
  [2, 'R_X86_64_PC32', 4],
  [3, 'R_X86_64_GOT32', 4],
  [4, 'R_X86_64_PLT32', 4],
  [5, 'R_X86_64_COPY', 0],
  [6, 'R_X86_64_GLOB_DAT', 8],
  [7, 'R_X86_64_JUMP_SLOT', 8],
  [8, 'R_X86_64_RELATIVE', 8],
  [9, 'R_X86_64_GOTPCREL', 4],
  [10, 'R_X86_64_32', 4],
  [11, 'R_X86_64_32S', 4],
  [12, 'R_X86_64_16', 2],
  [13, 'R_X86_64_PC16', 2],
  [14, 'R_X86_64_8', 1],
  [15, 'R_X86_64_PC8', 1],
  [16, 'R_X86_64_DTPMOD64', 8],
  [17, 'R_X86_64_DTPOFF64', 8],
  [18, 'R_X86_64_TPOFF64', 8],
  [19, 'R_X86_64_TLSGD', 4],
  [20, 'R_X86_64_TLSLD', 4],
  [21, 'R_X86_64_DTPOFF32', 4],
  [22, 'R_X86_64_GOTTPOFF', 4],
  [23, 'R_X86_64_TPOFF32', 4],
  [24, 'R_X86_64_PC64', 8],
  [25, 'R_X86_64_GOTOFF64', 8],
  [26, 'R_X86_64_GOTPC32', 4],
  [27, 'R_X86_64_GOT64', 8],
  [28, 'R_X86_64_GOTPCREL64', 8],
  [29, 'R_X86_64_GOTPC64', 8],
  [30, 'R_X86_64_GOTPLT64', 8],
  [31, 'R_X86_64_PLTOFF64', 8],
  [32, 'R_X86_64_SIZE32', 4],
  [33, 'R_X86_64_SIZE64', 8],
  [34, 'R_X86_64_GOTPC32_TLSDESC', 4],
  [35, 'R_X86_64_TLSDESC_CALL', 0],
  [36, 'R_X86_64_TLSDESC', 16],
  [37, 'R_X86_64_IRELATIVE', 8],
  [38, 'R_X86_64_RELATIVE64', 8],
  [41, 'R_X86_64_GOTPCRELX', 4],
  [42, 'R_X86_64_REX_GOTPCRELX', 4],
  [43, 'R_X86_64_CODE_4_GOTPCRELX', 4],
  [44, 'R_X86_64_CODE_4_GOTTPOFF', 4],
  [45, 'R_X86_64_CODE_4_GOTPC32_TLSDESC', 4],
  [46, 'R_X86_64_CODE_5_GOTPCRELX', 4],
  [47, 'R_X86_64_CODE_5_GOTTPOFF', 4],
  [48, 'R_X86_64_CODE_5_GOTPC32_TLSDESC', 4],
  [49, 'R_X86_64_CODE_6_GOTPCRELX', 4],
  [50, 'R_X86_64_CODE_6_GOTTPOFF', 4],
  [51, 'R_X86_64_CODE_6_GOTPC32_TLSDESC', 4],
];

const NAMES = new Map<number, string>();
const WIDTHS = new Map<number, number>();
for (const [type, name, width] of TABLE) {
  NAMES.set(type, name);
  WIDTHS.set(type, width);
}

/** `R_X86_64_PC32`, or `R_X86_64_<n>` (unknown) for a type the psABI does not define. */
export function relocationTypeName(type: number): string {
  return NAMES.get(type) ?? `R_X86_64_<unknown ${type}>`;
}

export function isKnownRelocationType(type: number): boolean {
  return NAMES.has(type);
}

/** Bytes of the section the relocation patches (0 for markers such as NONE); unknown types: 0. */
export function relocationWidth(type: number): number {
  return WIDTHS.get(type) ?? 0;
}
