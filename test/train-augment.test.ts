/** Augmentation transforms on a 3x3 image with a controlled random source. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { augmentBatch } from "../train/augment.ts";

const image = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
const run = (
  kinds: ("flip" | "shift" | "rotation")[],
  r: number,
  extra: Partial<{ shiftFraction: number; rotationDegrees: number; fillValue: number }> = {},
) => {
  const x = image();
  const y = augmentBatch(x, { kinds, shiftFraction: 1 / 3, rotationDegrees: 90, ...extra }, () => r);
  const out = Array.from(y.dataSync());
  tf.dispose([x, y]);
  return out;
};

describe("augmentation", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });

  it("flips horizontally when the draw is below 0.5", () => {
    assert.deepEqual(run(["flip"], 0.1), [3, 2, 1, 6, 5, 4, 9, 8, 7]);
    assert.deepEqual(run(["flip"], 0.9), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("shifts by up to shiftFraction of the size, filling with zeros", () => {
    // draw ≈ 1 → shift ≈ +1 pixel right and down.
    assert.deepEqual(run(["shift"], 0.9999), [0, 0, 0, 0, 1, 2, 0, 4, 5]);
  });

  it("fills with the preprocessed black (−1 for [-1, 1] inputs)", () => {
    assert.deepEqual(run(["shift"], 0.9999, { fillValue: -1 }), [-1, -1, -1, -1, 1, 2, -1, 4, 5]);
  });

  it("rotates about the centre by up to rotationDegrees", () => {
    assert.deepEqual(run(["rotation"], 0.99999), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
  });

  it("returns an unchanged copy with no augmentation", () => {
    assert.deepEqual(run([], 0.1), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
