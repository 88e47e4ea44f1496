/** Copying images out of an {@link ImageSet}: subsets, validation splits and training batches. */
import type { ImageSet } from "../formats/dataset.ts";
import { seededRandom, shuffledIndices } from "../measure/index.ts";

/** Float values per image of `set` (height × width × channels); 0 for an empty set. */
export function valuesPerImage(set: ImageSet): number {
  return set.count === 0 ? 0 : set.images.length / set.count;
}

/**
 * Copies the images and labels at `indices` (in that order) into a new {@link ImageSet}.
 * @throws {RangeError} on an index outside `0..count-1`.
 */
export function sliceSet(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = valuesPerImage(set);
  const count = indices.length;
  const images = new Float32Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const j = indices[i]!;
    if (!(j >= 0 && j < set.count)) throw new RangeError(`Image index ${j} is outside 0..${set.count - 1}`);
    images.set(set.images.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = set.labels[j]!;
  }
  return { images, labels, count };
}

/** The first `n` images of `set` (views, no copy); `set` itself when `n` is undefined or ≥ count. */
export function takeFirst(set: ImageSet, n: number | undefined): ImageSet {
  if (n === undefined || n >= set.count) return set;
  const size = valuesPerImage(set);
  return { images: set.images.subarray(0, n * size), labels: set.labels.subarray(0, n), count: n };
}

/**
 * Splits `set` at random into train and validation parts, the same for the same seed.
 * The validation part holds `Math.round(count × fraction)` images; both parts keep the
 * original order of their images.
 * @param fraction Share of images for validation, in [0, 1).
 * @param seed Seed of the shuffle.
 * @throws {RangeError} when `fraction` is outside [0, 1).
 */
export function validationSplit(set: ImageSet, fraction: number, seed: number): { train: ImageSet; val: ImageSet } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`Invalid validation fraction ${fraction}: expected a number in [0, 1)`);
  }
  const order = shuffledIndices(set.count, seededRandom(seed));
  const valCount = Math.round(set.count * fraction);
  const val = order.slice(0, valCount).sort();
  const train = order.slice(valCount).sort();
  return { train: sliceSet(set, train), val: sliceSet(set, val) };
}

/** Preallocated batch buffers filled by {@link takeBatch}. */
export interface BatchBuffer {
  /** Room for at least `batchSize × valuesPerImage` floats, NHWC. */
  readonly images: Float32Array;
  /** Room for at least `batchSize` labels (class indices). */
  readonly labels: Uint8Array | Int32Array | Float32Array;
}

/**
 * Copies the images and labels at `indices[start .. start+n)` into `out`, where `n` is the
 * smaller of `out.labels.length` and what is left of `indices`; one `TypedArray.set` per
 * image. Reuse one `out` for every batch of an epoch.
 * @returns `n`, the number of images copied (shorter for the last batch of an epoch).
 */
export function takeBatch(set: ImageSet, indices: ArrayLike<number>, start: number, out: BatchBuffer): number {
  const size = valuesPerImage(set);
  const n = Math.max(0, Math.min(out.labels.length, indices.length - start));
  if (out.images.length < n * size) {
    throw new RangeError(`Batch buffer holds ${out.images.length} floats, needs ${n * size}`);
  }
  const src = set.images;
  for (let i = 0; i < n; i++) {
    const j = indices[start + i]!;
    if (!(j >= 0 && j < set.count)) throw new RangeError(`Image index ${j} is outside 0..${set.count - 1}`);
    out.images.set(src.subarray(j * size, j * size + size), i * size);
    out.labels[i] = set.labels[j]!;
  }
  return n;
}
