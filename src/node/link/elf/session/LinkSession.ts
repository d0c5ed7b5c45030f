//! A long-running static ELF link (`zirc ld --watch`, the library's link session, and the
//! link of a ZIR program with objects): a RelinkSession (../../relink_session.ts: re-read what
//! changed, link in memory, write what differs, journaled) whose links keep a layout
//! memory, so the input sections that did not change keep their addresses
//! (static/stable_layout.ts) and a relink writes little.
//!
//! A relink where only plain objects changed, each fitting where it was, takes the fast
//! path (fast_relink.ts): the last whole link's context and image are patched, so its
//! time follows the edit. Anything else is a whole link in memory, whose time follows the
//! program; the bytes either writes follow the edit. With `verify` (tests), every fast
//! relink is checked against a whole link of the same inputs with the same layout memory:
//! the images must be byte-identical, or the relink throws.

import type { LinkFile } from '../../../../link/link_file.js';
import { RelinkSession, type InPlaceRelink, type LinkBytesInput } from '../../relink_session.js';
import type { FileImage } from '../../../../link/elf/file_image.js';
import type { OutputIo } from '../../../../link/elf/output_file.js';
import type { PassTiming } from '../../../../link/elf/static/context.js';
import { linkStatic, type StaticLinkOptions } from '../../../../link/elf/static/link_static.js';
import { StableLayout } from '../../../../link/elf/static/stable_layout.js';
import { FastRelinker } from '../../../../link/elf/session/fast_relink.js';

export type { RelinkReport } from '../../relink_session.js';

export interface LinkSessionOptions extends Omit<StaticLinkOptions, 'stableLayout' | 'output' | 'keepContext'> {
  /** Patch the last output in place when only objects changed (default true). */
  fastRelink?: boolean;
  /** Check every fast relink against a whole link (for tests: it costs a whole link). */
  verify?: boolean;
}

export class LinkSession extends RelinkSession {
  /** The steps of the last relink in place and how long each took (empty before one). */
  readonly fastPathTimings: () => readonly PassTiming[];

  constructor(inputs: readonly LinkFile[], outputPath: string, options: LinkSessionOptions = {}, io?: OutputIo) {
    const { fastRelink = true, verify = false, ...linkOptions } = options;
    const layout = new StableLayout();
    const fast = new FastRelinker();
    const wholeLink = (all: readonly LinkBytesInput[]) => {
      const result = linkStatic(all, { ...linkOptions, output: outputPath, stableLayout: layout, keepContext: fastRelink });
      if (result.ok && result.context) fast.adopt(result.context, all);
      else fast.forget();
      return result;
    };
    const inPlace: InPlaceRelink = {
      relink(all, changed, image) {
        let outcome: ReturnType<FastRelinker['relink']>;
        try {
          outcome = fast.relink(all, changed, image);
        } catch (e) {
          // A fault of the fast path must not stop the session: the whole link redoes it all
          // (what the patch had written is marked dirty, so the flush rewrites it).
          fast.forget();
          if (verify) throw e;
          return { ok: false, reason: `the fast path failed: ${e instanceof Error ? e.message : String(e)}` };
        }
        if (outcome.ok && verify) verifyAgainstWholeLink(all, image, { ...linkOptions, output: outputPath, stableLayout: layout });
        return outcome;
      },
    };
    super(inputs, outputPath, wholeLink, io, fastRelink ? inPlace : undefined);
    this.fastPathTimings = () => fast.timings;
  }
}

/** The oracle: a whole link of `inputs` must give exactly the patched image (a `uuid` build id aside). */
function verifyAgainstWholeLink(inputs: readonly LinkBytesInput[], image: FileImage, options: StaticLinkOptions): void {
  const whole = linkStatic(inputs, options);
  if (!whole.ok) throw new Error(`fast relink verify: the whole link failed: ${whole.errors.join('\n')}`);
  const patched = image.bytes;
  if (whole.bytes.length !== patched.length) throw new Error(`fast relink verify: ${patched.length} bytes, the whole link ${whole.bytes.length}`);
  if (options.buildId?.kind === 'uuid') return;
  for (let i = 0; i < patched.length; i++) {
    if (patched[i] !== whole.bytes[i]) throw new Error(`fast relink verify: byte ${i} (0x${i.toString(16)}) is 0x${patched[i]!.toString(16)}, the whole link's 0x${whole.bytes[i]!.toString(16)}`);
  }
}
