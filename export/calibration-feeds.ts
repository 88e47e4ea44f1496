/** The static-INT8 calibration sample: a seeded random subset of the training images, as ORT feeds. */
import type * as ort from "onnxruntime-node";
import type { ImageSet } from "../formats/dataset.ts";
import { seededRandom, shuffledIndices } from "../measure/index.ts";
import { inputTensor, type ImageGeometry } from "./ort-inference.ts";

/** Images per calibration feed. */
export const CALIBRATION_BATCH = 32;

/**
 * Picks `size` training images (all of them when fewer) in a seeded random order and packs
 * them as feeds of up to {@link CALIBRATION_BATCH} images for input `inputName` of rank
 * `inputRank` (4: NCHW images; 2: flat vectors).
 */
export function calibrationFeeds(
  train: ImageSet,
  geometry: ImageGeometry,
  options: { size: number; seed: number; inputName: string; inputRank: number },
): Record<string, ort.Tensor>[] {
  const perImage = geometry.height * geometry.width * geometry.channels;
  const chosen = shuffledIndices(train.count, seededRandom(options.seed)).subarray(0, Math.min(options.size, train.count));
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let start = 0; start < chosen.length; start += CALIBRATION_BATCH) {
    const batch = chosen.subarray(start, start + CALIBRATION_BATCH);
    const images = new Float32Array(batch.length * perImage);
    batch.forEach((index, i) => images.set(train.images.subarray(index * perImage, (index + 1) * perImage), i * perImage));
    feeds.push({ [options.inputName]: inputTensor(images, batch.length, geometry, options.inputRank) });
  }
  return feeds;
}

/**
 * The INT8 tuner's validation slice: `size` training images taken after the calibration
 * sample in the same seeded order, so the two never overlap (fewer when the split is small).
 */
export function validationSlice(train: ImageSet, geometry: ImageGeometry, options: { size: number; skip: number; seed: number }): ImageSet {
  const perImage = geometry.height * geometry.width * geometry.channels;
  const order = shuffledIndices(train.count, seededRandom(options.seed));
  const skip = Math.min(options.skip, Math.max(0, train.count - 1));
  const chosen = order.subarray(skip, skip + options.size);
  const images = new Float32Array(chosen.length * perImage);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((index, i) => {
    images.set(train.images.subarray(index * perImage, (index + 1) * perImage), i * perImage);
    labels[i] = train.labels[index] ?? 0;
  });
  return { images, labels, count: chosen.length };
}

/** `batch` images of `set` (cycling when it has fewer) as one feed for input `inputName` of rank `inputRank`. */
export function batchFeed(set: ImageSet, geometry: ImageGeometry, batch: number, inputName: string, inputRank: number): Record<string, ort.Tensor> {
  const perImage = geometry.height * geometry.width * geometry.channels;
  const images = new Float32Array(batch * perImage);
  for (let i = 0; i < batch; i++) {
    const k = set.count === 0 ? 0 : i % set.count;
    images.set(set.images.subarray(k * perImage, (k + 1) * perImage), i * perImage);
  }
  return { [inputName]: inputTensor(images, batch, geometry, inputRank) };
}
