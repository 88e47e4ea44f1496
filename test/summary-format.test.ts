/** The Keras-style summary text. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { formatSummary, summarize } from "../train/index.ts";

describe("model summary", () => {
  it("prints each layer, its output shape and parameters, then the totals", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1], name: "c" }),
        tf.layers.batchNormalization({ name: "bn" }),
        tf.layers.flatten({ name: "f" }),
        tf.layers.dense({ units: 1000, name: "d" }),
      ],
    });
    const text = formatSummary("tiny", summarize(model));
    assert.equal(
      text,
      [
        'Model: "tiny"',
        "_".repeat(66),
        "Layer (type)                Output Shape                   Param #",
        "=".repeat(66),
        "c (Conv2D)                  (None, 3, 3, 2)                     20",
        "bn (BatchNormalization)     (None, 3, 3, 2)                      8",
        "f (Flatten)                 (None, 18)                           0",
        "d (Dense)                   (None, 1000)                    19,000",
        "=".repeat(66),
        "Total params: 19,028",
        "Trainable params: 19,024",
        "Non-trainable params: 4",
        "_".repeat(66),
      ].join("\n"),
    );
    model.dispose();
  });
});
