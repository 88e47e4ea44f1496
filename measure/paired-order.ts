/**
 * The order of blocks in interleaved measurement. One cycle is a seeded permutation of the
 * variants followed by its reverse (A B B A for two; C A B B A C for three), so every
 * variant's mean position inside a cycle is the same and a drift that is linear over the
 * cycle cancels from every ratio taken within it. A fresh permutation per cycle keeps any
 * "who follows whom" effect (caches, clocks) from favouring one variant.
 */
import type { Random } from "./random.ts";

/** Variant indexes of one cycle: a permutation of `0..variants-1` drawn with `random`, then its reverse. */
export function cycleOrder(variants: number, random: Random): number[] {
  if (!Number.isInteger(variants) || variants < 1) throw new Error(`Invalid variant count "${variants}": expected a positive integer`);
  const perm = Array.from({ length: variants }, (_, i) => i);
  for (let i = variants - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return variants === 1 ? perm : [...perm, ...[...perm].reverse()];
}
