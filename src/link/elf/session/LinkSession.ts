//! A long-running static ELF link (`zirc ld --watch`, the library's link session, and the
//! link of a ZIR program with objects): a RelinkSession (relink_session.ts: re-read what
//! changed, link in memory, write what differs, journaled) whose links keep a layout
//! memory, so the input sections that did not change keep their addresses
//! (static/stable_layout.ts) and a relink writes little.
//!
//! The relink itself is a whole link in memory, so its time follows the program, not the
//! edit; the bytes it writes follow the edit.

import type { LinkFile } from '../../input_files.js';
import { RelinkSession } from '../../relink_session.js';
import type { OutputIo } from '../output_file.js';
import { linkStatic, type StaticLinkOptions } from '../static/link_static.js';
import { StableLayout } from '../static/stable_layout.js';

export type { RelinkReport } from '../../relink_session.js';

export class LinkSession extends RelinkSession {
  constructor(inputs: readonly LinkFile[], outputPath: string, options: Omit<StaticLinkOptions, 'stableLayout' | 'output'> = {}, io?: OutputIo) {
    const layout = new StableLayout();
    super(inputs, outputPath, (all) => linkStatic(all, { ...options, output: outputPath, stableLayout: layout }), io);
  }
}
