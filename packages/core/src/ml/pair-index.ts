/**
 * A growable open-addressing hash table from a pair of small non-negative integers (token ids) to a
 * non-negative index (-1: absent); shared by the feature-spec counting and the featurizer's bigram lookup.
 */
export class PairIndex {
  private keys = new Int32Array(2 * 1024).fill(-1);
  private values = new Int32Array(1024);
  private mask = 1023;
  private size = 0;

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
  }

  get(a: number, b: number): number {
    for (let slot = this.slot(a, b); ; slot = (slot + 1) & this.mask) {
      const key = this.keys[2 * slot]!;
      if (key < 0) return -1;
      if (key === a && this.keys[2 * slot + 1] === b) return this.values[slot]!;
    }
  }

  /** Sets a pair that is absent. */
  set(a: number, b: number, value: number): void {
    if (2 * (this.size + 1) > this.values.length) this.grow();
    let slot = this.slot(a, b);
    while (this.keys[2 * slot]! >= 0) slot = (slot + 1) & this.mask;
    this.keys[2 * slot] = a;
    this.keys[2 * slot + 1] = b;
    this.values[slot] = value;
    this.size++;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(2 * keys.length).fill(-1);
    this.values = new Int32Array(2 * values.length);
    this.mask = values.length * 2 - 1;
    this.size = 0;
    for (let slot = 0; slot < values.length; slot++) {
      if (keys[2 * slot]! >= 0) this.set(keys[2 * slot]!, keys[2 * slot + 1]!, values[slot]!);
    }
  }
}

/** A table holding `entries` ([a, b, index] triples). */
export function pairIndexOf(entries: Iterable<readonly [number, number, number]>): PairIndex {
  const index = new PairIndex();
  for (const [a, b, value] of entries) index.set(a, b, value);
  return index;
}
