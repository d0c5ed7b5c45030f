//! Node's native byte compare for the core (zir/bytes.ts): Buffer's memcmp over large
//! chunks, so the diff of two sources costs a few dozen native calls. Importing this
//! module installs it (src/node/install.ts does).

import { installNativeCompare } from '../zir/bytes.js';

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

installNativeCompare((a, aStart, aEnd, b, bStart, bEnd) => view(a).compare(view(b), bStart, bEnd, aStart, aEnd) === 0);
