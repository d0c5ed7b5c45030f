//! Cuts one output stream of a running program into the pieces `--json` forwards: at
//! most `chunkBytes` each, never splitting a UTF-8 character (a character the pipe
//! split waits for its end), and at most `capBytes` in all per run; the rest is only
//! counted, so a program that floods its output is neither held in memory nor slowed.
//! Pure: bytes in, chunks out.

/** Largest piece of output in one JSON event. */
export const OUTPUT_CHUNK_BYTES = 4096;
/** Most output forwarded per stream and run; the rest is dropped and counted. */
export const OUTPUT_CAP_BYTES = 1 << 20;

const EMPTY = Buffer.alloc(0);

export class OutputChunker {
  private forwarded = 0;
  private dropped = 0;
  /** The cap is reached (to a character boundary): everything from now on is dropped. */
  private full = false;
  /** The start of a character whose other bytes have not arrived yet. */
  private held: Buffer = EMPTY;

  constructor(
    private readonly capBytes = OUTPUT_CAP_BYTES,
    private readonly chunkBytes = OUTPUT_CHUNK_BYTES,
  ) {}

  get forwardedBytes(): number {
    return this.forwarded;
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  /** The chunks to forward for the next bytes of the stream (often none). */
  push(bytes: Buffer): Buffer[] {
    if (this.full) {
      this.dropped += bytes.length;
      return [];
    }
    let data = this.held.length > 0 ? Buffer.concat([this.held, bytes]) : bytes;
    this.held = EMPTY;
    const room = this.capBytes - this.forwarded;
    if (data.length >= room) {
      const keep = data.length > room ? charBoundaryAtOrBefore(data, room) : withoutSplitCharacter(data);
      this.dropped += data.length - keep;
      data = data.subarray(0, keep);
      this.forwarded += keep;
      this.full = true;
      return this.chunks(data);
    }
    const whole = withoutSplitCharacter(data);
    if (whole < data.length) this.held = Buffer.from(data.subarray(whole)); // a copy: the pipe reuses its buffers
    data = data.subarray(0, whole);
    this.forwarded += data.length;
    return this.chunks(data);
  }

  /** The stream ended: a character still incomplete is forwarded as it is. */
  end(): Buffer[] {
    const rest = this.held;
    this.held = EMPTY;
    if (rest.length === 0 || this.full) return [];
    this.forwarded += rest.length;
    return [rest];
  }

  private chunks(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < data.length; ) {
      const end = at + this.chunkBytes >= data.length ? data.length : at + charBoundaryAtOrBefore(data.subarray(at), this.chunkBytes);
      out.push(Buffer.from(data.subarray(at, end)));
      at = end;
    }
    return out;
  }
}

const isContinuation = (b: number) => (b & 0xc0) === 0x80;

/**
 * The largest cut at most `n` into `data` that does not split a character (`n` itself
 * when the bytes there are not UTF-8, or when backing up would leave nothing).
 */
function charBoundaryAtOrBefore(data: Buffer, n: number): number {
  if (n >= data.length) return data.length;
  for (let k = n; k > 0 && k > n - 4; k--) if (!isContinuation(data[k]!)) return k;
  return n;
}

/** The length of `data` without a character cut short at its end. */
function withoutSplitCharacter(data: Buffer): number {
  for (let i = data.length - 1; i >= 0 && i >= data.length - 3; i--) {
    const b = data[i]!;
    if (isContinuation(b)) continue;
    const length = b >= 0xf0 && b <= 0xf7 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > data.length ? i : data.length;
  }
  return data.length;
}
