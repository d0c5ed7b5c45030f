//! A list of 32-bit integers that keeps its storage when emptied: the scratch of walks
//! that run once for every function of a build (liveness), which would otherwise grow a
//! fresh array, 17 slots or more from the first push, for each list of each function.

export class IntList {
  data = new Int32Array(64);
  length = 0;

  /** Appends `value`; returns its index. */
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** Empties the list, keeping its storage. */
  clear(): void {
    this.length = 0;
  }

  /** A copy of the list as an exact-size array. */
  toInt32Array(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
