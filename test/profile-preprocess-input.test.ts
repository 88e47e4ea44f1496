/** profile/'s accuracy input: the metadata's scale and offset applied, images resized as training did. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import type { HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import { fillBatch } from "../profile/accuracy.ts";
import { buildFeeds } from "../profile/input-tensors.ts";
import { toModelInput } from "../formats/model-input.ts";

const meta = (over: Partial<HarnessMetadata>): HarnessMetadata => ({
  model: "m",
  dataset: "synthetic",
  layout: "NCHW",
  inputShape: [3, 2, 2],
  scale: 2 / 255,
  offset: -1,
  classNames: ["a", "b"],
  precision: "fp32",
  ...over,
});

describe("profile input preprocessing", () => {
  it("maps [0, 1] pixels to [-1, 1] and transposes to NCHW", () => {
    // One 2x2 RGB image, NHWC: pixel p has channels (p/4, 0, 1).
    const images = Float32Array.from([0, 0, 1, 0.25, 0, 1, 0.5, 0, 1, 0.75, 0, 1]);
    const out = new Float32Array(12);
    fillBatch({ images, labels: Uint8Array.of(0), count: 1 }, 0, 1, meta({}), out);
    assert.deepEqual(
      [...out].map((v) => Math.round(v * 1e6) / 1e6),
      [-1, -0.5, 0, 0.5, -1, -1, -1, -1, 1, 1, 1, 1],
    );
  });

  it("an older export without offset keeps value = pixel × 255 × scale", () => {
    const out = new Float32Array(4);
    fillBatch(
      { images: Float32Array.from([0, 0.5, 1, 0.25]), labels: Uint8Array.of(0), count: 1 },
      0,
      1,
      meta({ inputShape: [1, 2, 2], scale: 1 / 255, offset: undefined }),
      out,
    );
    assert.deepEqual([...out], [0, 0.5, 1, 0.25]);
  });

  it("resizes like TensorFlow's tf.image.resize (bilinear, half-pixel centres) and repeats grey to RGB", async () => {
    await tf.setBackend("cpu");
    const src = Float32Array.from({ length: 5 * 7 }, (_, i) => ((i * 37) % 11) / 10);
    const ours = new Float32Array(9 * 4 * 3);
    toModelInput(src, 1, [5, 7, 1], { shape: [9, 4, 3], scale: 1 / 255, offset: 0 }, ours);
    const theirs = tf.tidy(() =>
      tf.image
        .resizeBilinear(tf.tensor4d(src, [1, 5, 7, 1]), [9, 4], false, true)
        .tile([1, 1, 1, 3])
        .dataSync(),
    );
    const maxDiff = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)));
    assert.ok(maxDiff < 1e-6, `max |Δ| ${maxDiff}`);
  });

  it("refuses RGB images for a grey model, naming both shapes", () => {
    assert.throws(() => toModelInput(new Float32Array(12), 1, [2, 2, 3], { shape: [4, 4, 1], scale: 1, offset: 0 }, new Float32Array(16)), {
      message: "Images of 2x2x3 cannot feed a model taking 4x4x1: channels must match or go from 1 (grey, repeated) to 3",
    });
  });

  it("generated latency inputs follow the metadata's range: u in [0, 1) becomes 2u − 1 for [-1, 1]", () => {
    const inputs = [{ name: "input", shape: [2, 3, 4, 4], elemType: 1 }];
    const unit = buildFeeds({ batch: 2, inputs, pixels: { scale: 1 / 255, offset: 0 } }).input!.data as Float32Array;
    const plain = buildFeeds({ batch: 2, inputs }).input!.data as Float32Array;
    const symmetric = buildFeeds({ batch: 2, inputs, pixels: { scale: 2 / 255, offset: -1 } }).input!.data as Float32Array;
    assert.deepEqual(unit, plain);
    assert.ok(symmetric.every((v, i) => Math.abs(v - (2 * plain[i]! - 1)) < 1e-6));
    assert.ok(Math.min(...symmetric) < -0.5 && Math.max(...symmetric) > 0.5);
  });
});
