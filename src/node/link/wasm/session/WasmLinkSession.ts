//! A long-running wasm32 link (`zirc wasm-ld --watch`, the library's wasm link session): a
//! RelinkSession (../../relink_session.ts: re-read what changed, link in memory, write what
//! differs, journaled) whose links keep a layout memory (static/stable_layout.ts), so
//! functions keep their indices, bodies and data segments their places, and sections their
//! offsets, and a relink writes little.
//!
//! A relink where only plain objects changed, each fitting where it was, takes the fast
//! path (fast_relink.ts): the last whole link's context and image are patched, so its time
//! follows the edit. Anything else is a whole link in memory, whose time follows the
//! program; the bytes either writes follow the edit. With `verify` (tests), every fast
//! relink is checked against a whole link of the same inputs with the same layout memory:
//! the images must be byte-identical, or the relink throws.

import type { LinkFile } from '../../../../link/link_file.js';
import { RelinkSession, type InPlaceRelink, type LinkBytesInput } from '../../relink_session.js';
import type { FileImage } from '../../../../link/elf/file_image.js';
import type { OutputIo } from '../../../../link/elf/output_file.js';
import type { PassTiming, WasmLinkOptions } from '../../../../link/wasm/static/context.js';
import { linkWasm } from '../../../../link/wasm/static/link_wasm.js';
import { WasmStableLayout } from '../../../../link/wasm/static/stable_layout.js';
import { WasmFastRelinker } from '../../../../link/wasm/session/fast_relink.js';

export type { RelinkReport } from '../../relink_session.js';

export interface WasmLinkSessionOptions extends Partial<WasmLinkOptions> {
  /** Patch the last output in place when only objects changed (default true). */
  fastRelink?: boolean;
  /** Check every fast relink against a whole link (for tests: it costs a whole link). */
  verify?: boolean;
}

export class WasmLinkSession extends RelinkSession {
  /** The steps of the last relink in place and how long each took (empty before one). */
  readonly fastPathTimings: () => readonly PassTiming[];
  /** The layout memory the session's links share. */
  readonly layout: WasmStableLayout;

  constructor(inputs: readonly LinkFile[], outputPath: string, options: WasmLinkSessionOptions = {}, io?: OutputIo) {
    const { fastRelink = true, verify = false, ...linkOptions } = options;
    const layout = new WasmStableLayout();
    const fast = new WasmFastRelinker();
    // The inputs changed since the adopted link's: a failed whole link that never reached
    // layout leaves the image and the layout memory as they were, so the last good link's
    // context stays adopted and the next relink patches it for all of them (a broken edit,
    // then its fix, takes the fast path).
    let pending = new Set<string>();
    const wholeLink = (all: readonly LinkBytesInput[]) => {
      const result = linkWasm(all, linkOptions, { stableLayout: layout, keepContext: fastRelink });
      if (result.ok && result.context) {
        fast.adopt(result.context, all);
        pending = new Set();
      } else if (result.ok || result.timings.some((t) => t.pass === 'layoutModule')) fast.forget();
      return result;
    };
    const inPlace: InPlaceRelink = {
      relink(all, changed, image) {
        for (const path of changed) pending.add(path);
        let outcome: ReturnType<WasmFastRelinker['relink']>;
        try {
          outcome = fast.relink(all, [...pending], image);
        } catch (e) {
          // A fault of the fast path must not stop the session: the whole link redoes it all
          // (what the patch had written is marked dirty, so the flush rewrites it).
          fast.forget();
          if (verify) throw e;
          return { ok: false, reason: `the fast path failed: ${e instanceof Error ? e.message : String(e)}` };
        }
        if (outcome.ok) {
          pending = new Set();
          if (verify) verifyAgainstWholeLink(all, image, linkOptions, layout);
        }
        return outcome;
      },
    };
    super(inputs, outputPath, wholeLink, io, fastRelink ? inPlace : undefined);
    this.layout = layout;
    this.fastPathTimings = () => fast.timings;
  }
}

/** The oracle: a whole link of `inputs` with the same layout memory must give exactly the patched image. */
function verifyAgainstWholeLink(inputs: readonly LinkBytesInput[], image: FileImage, options: Partial<WasmLinkOptions>, layout: WasmStableLayout): void {
  const whole = linkWasm(inputs, options, { stableLayout: layout });
  if (!whole.ok) throw new Error(`fast relink verify: the whole link failed: ${whole.errors.join('\n')}`);
  const patched = image.bytes;
  if (whole.bytes.length !== patched.length) throw new Error(`fast relink verify: ${patched.length} bytes, the whole link ${whole.bytes.length}`);
  for (let i = 0; i < patched.length; i++) {
    if (patched[i] !== whole.bytes[i]) throw new Error(`fast relink verify: byte ${i} (0x${i.toString(16)}) is 0x${patched[i]!.toString(16)}, the whole link's 0x${whole.bytes[i]!.toString(16)}`);
  }
}
