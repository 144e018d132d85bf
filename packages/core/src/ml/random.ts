/** Seeded randomness for training (no Math.random): a PRNG, permutations and a streaming shuffle buffer. */

/**
 * A small, fast seeded PRNG (mulberry32) returning floats in [0, 1).
 * @example
 * const rand = mulberry32(42); rand(); // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniformly random permutation of 0 … n−1 (Fisher–Yates).
 * @example
 * permutation(5, mulberry32(1)) // Int32Array [4, 2, 1, 0, 3]
 */
export function permutation(n: number, rand: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * Yields the rows in a locally shuffled order: a buffer of `size` rows, a seeded random pick each
 * time (a full shuffle when the input fits in the buffer; only local mixing beyond).
 * @example
 * for await (const row of shuffled(rows, 1024, mulberry32(7))) use(row);
 */
export async function* shuffled<T>(
  rows: AsyncIterable<T> | Iterable<T>,
  size: number,
  rand: () => number,
): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const row of rows) {
    if (buffer.length < size) {
      buffer.push(row);
      continue;
    }
    const k = Math.floor(rand() * size);
    yield buffer[k]!;
    buffer[k] = row;
  }
  while (buffer.length > 0) {
    const k = Math.floor(rand() * buffer.length);
    yield buffer[k]!;
    buffer[k] = buffer[buffer.length - 1]!;
    buffer.pop();
  }
}
