//! `--build-id`: a `.note.gnu.build-id` section (an NT_GNU_BUILD_ID note owned by "GNU")
//! in the read-only segment, under its own PT_NOTE, whose descriptor identifies the output.
//! Sized before layout; filled last, once every other byte of the file is written: `fast`
//! (8 bytes), `md5` (16) and `sha1` (20) hash the whole file with the descriptor still
//! zero, `uuid` is 16 random bytes, `0xHEX` the given bytes (an odd digit count reads as
//! if led by a 0). The descriptor is padded to 4 bytes, so readers accept any length.

import { SHF_ALLOC, SHT_NOTE } from '../input/index.js';
import { alignUp, type BuildIdStyle, type LinkContext } from './context.js';
import { fastHash, md5, sha1 } from './content_hashes.js';
import { ensureOutputSection } from './output_sections.js';

const NT_GNU_BUILD_ID = 3;
const NOTE_HEADER = 16; // namesz, descsz, type, "GNU\0"

/** The descriptor's length for a style. */
function descriptorSize(style: BuildIdStyle): number {
  switch (style.kind) {
    case 'none': return 0;
    case 'fast': return 8;
    case 'md5': case 'uuid': return 16;
    case 'sha1': return 20;
    case 'hex': return Math.ceil(style.hex.length / 2);
  }
}

/** Creates the note section; runs before layout. */
export function planBuildId(ctx: LinkContext): void {
  if (ctx.buildId.style.kind === 'none') return;
  const section = ensureOutputSection(ctx, '.note.gnu.build-id', SHT_NOTE, SHF_ALLOC, 4);
  const os = ctx.outputs[section]!;
  ctx.buildId.section = section;
  ctx.buildId.size = descriptorSize(ctx.buildId.style);
  os.syntheticSize = NOTE_HEADER + alignUp(ctx.buildId.size, 4);
  os.linkerContent = true;
}

/** The descriptor bytes for the finished `image` (whose descriptor is still zero). */
export function buildIdDescriptor(style: BuildIdStyle, image: Uint8Array): Uint8Array {
  switch (style.kind) {
    case 'none': return new Uint8Array(0);
    case 'fast': return fastHash(image);
    case 'md5': return md5(image);
    case 'sha1': return sha1(image);
    case 'uuid': return globalThis.crypto.getRandomValues(new Uint8Array(16));
    case 'hex': {
      const digits = style.hex.length % 2 ? `0${style.hex}` : style.hex;
      return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
    }
  }
}

/** Writes the note, then its descriptor from the rest of the file; runs after everything else is written. */
export function writeBuildId(ctx: LinkContext, image: Uint8Array): void {
  if (ctx.buildId.section < 0) return;
  const os = ctx.outputs[ctx.buildId.section]!;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const at = os.offset + os.size - os.syntheticSize;
  view.setUint32(at, 4, true);
  view.setUint32(at + 4, ctx.buildId.size, true);
  view.setUint32(at + 8, NT_GNU_BUILD_ID, true);
  image.set([0x47, 0x4e, 0x55, 0], at + 12);
  image.set(buildIdDescriptor(ctx.buildId.style, image), at + NOTE_HEADER);
}
