/**
 * Training-time augmentation on a batch tensor: random horizontal flip, shift and rotation,
 * as one projective transform per image (tf.image.transform), seeded.
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../measure/index.ts";
import type { AugmentKind } from "../formats/options/train-options.ts";

/** Augmentation settings. */
export interface AugmentSettings {
  kinds: readonly AugmentKind[];
  /** Largest shift, fraction of width/height. */
  shiftFraction: number;
  /** Largest rotation, degrees. */
  rotationDegrees: number;
  /** Value of pixels shifted or rotated in: a black pixel after preprocessing (0 for [0, 1], −1 for [-1, 1]). Default 0. */
  fillValue?: number;
}

/**
 * Returns an augmented copy of `images` (NHWC). Each image gets its own random flip
 * (probability 0.5), shift in ±shiftFraction and rotation in ±rotationDegrees, with
 * nearest-neighbour sampling and black fill (`fillValue`).
 */
export function augmentBatch(images: tf.Tensor4D, settings: AugmentSettings, random: Random): tf.Tensor4D {
  if (settings.kinds.length === 0) return images.clone();
  const [n, h, w] = images.shape;
  const flip = settings.kinds.includes("flip");
  const shift = settings.kinds.includes("shift");
  const rotate = settings.kinds.includes("rotation");
  const transforms = new Float32Array(n * 8);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let i = 0; i < n; i++) {
    const theta = rotate ? ((random() * 2 - 1) * settings.rotationDegrees * Math.PI) / 180 : 0;
    const dx = shift ? (random() * 2 - 1) * settings.shiftFraction * w : 0;
    const dy = shift ? (random() * 2 - 1) * settings.shiftFraction * h : 0;
    const sx = flip && random() < 0.5 ? -1 : 1;
    // Output (x, y) samples input (x', y'): x' = sx·(cos·(x−cx) − sin·(y−cy)) + cx − dx, y' = sin·(x−cx) + cos·(y−cy) + cy − dy.
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const a0 = sx * c;
    const a1 = -sx * s;
    const a2 = -a0 * cx - a1 * cy + cx - dx;
    const b0 = s;
    const b1 = c;
    const b2 = -b0 * cx - b1 * cy + cy - dy;
    transforms.set([a0, a1, a2, b0, b1, b2, 0, 0], i * 8);
  }
  return tf.tidy(() => tf.image.transform(images, tf.tensor2d(transforms, [n, 8]), "nearest", "constant", settings.fillValue ?? 0));
}
