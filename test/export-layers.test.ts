/** Each supported layer converts to ONNX and matches tfjs on random input (max |Δ| ≤ 1e-5). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { parityOnRandomInput, randomizeBatchNorm } from "./export-helpers.ts";

const TOLERANCE = 1e-5;

async function assertParity(model: tf.LayersModel, batch = 2): Promise<void> {
  const maxAbsDiff = await parityOnRandomInput(model, batch);
  assert.ok(maxAbsDiff <= TOLERANCE, `max |Δ| ${maxAbsDiff} > ${TOLERANCE}`);
}

function seq(inputShape: number[], ...layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  for (const layer of layers) model.add(layer);
  return model;
}

describe("export layers: Conv2D", () => {
  it("valid padding", () => assertParity(seq([7, 9, 3], tf.layers.conv2d({ filters: 4, kernelSize: 3 }))));
  it("same padding, odd kernel", () => assertParity(seq([7, 9, 3], tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same" }))));
  it("same padding, even kernel (asymmetric pads)", () => assertParity(seq([8, 7, 2], tf.layers.conv2d({ filters: 3, kernelSize: [2, 4], padding: "same" }))));
  it("strided same padding on even and odd sizes", () =>
    assertParity(seq([8, 9, 2], tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: "same" }))));
  it("strided valid, no bias, relu", () =>
    assertParity(seq([9, 9, 2], tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: [2, 1], useBias: false, activation: "relu" }))));
  it("dilated same padding", () => assertParity(seq([9, 9, 2], tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: "same" }))));
});

describe("export layers: DepthwiseConv2D", () => {
  it("depth multiplier 1, same padding", () => assertParity(seq([8, 8, 3], tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same" }))));
  it("depth multiplier 2, strided, relu6", () =>
    assertParity(seq([9, 8, 3], tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, strides: 2, padding: "same", activation: "relu6" }))));
});

describe("export layers: Dense and Flatten", () => {
  it("dense after flatten of a feature map (rows permuted to NCHW order)", () =>
    assertParity(seq([5, 4, 3], tf.layers.conv2d({ filters: 3, kernelSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 6, activation: "softmax" }))));
  it("dense on a vector input, no bias", () => assertParity(seq([7], tf.layers.dense({ units: 4, useBias: false, activation: "tanh" }))));
  it("flatten as the output (brought back to tfjs order)", () =>
    assertParity(seq([3, 4, 2], tf.layers.conv2d({ filters: 2, kernelSize: 1 }), tf.layers.flatten())));
  it("dropout is removed", () => assertParity(seq([6], tf.layers.dense({ units: 5 }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 2 }))));
});

describe("export layers: pooling", () => {
  it("max pool valid", () => assertParity(seq([8, 8, 2], tf.layers.maxPooling2d({ poolSize: 2 }))));
  it("max pool same, odd size, strided", () => assertParity(seq([7, 9, 2], tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }))));
  it("average pool valid", () => assertParity(seq([8, 6, 2], tf.layers.averagePooling2d({ poolSize: 2 }))));
  it("average pool same padding excludes the pads from the mean", () =>
    assertParity(seq([7, 7, 2], tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }))));
  it("average pool same, even window", () => assertParity(seq([5, 6, 1], tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: "same" }))));
  it("global average pool", () => assertParity(seq([5, 6, 3], tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 2 }))));
  it("global max pool", () => assertParity(seq([5, 6, 3], tf.layers.globalMaxPooling2d({}))));
});

describe("export layers: BatchNormalization", () => {
  it("folded into a linear conv", async () => {
    const bn = tf.layers.batchNormalization({ epsilon: 0.01 });
    const model = seq([6, 6, 2], tf.layers.conv2d({ filters: 3, kernelSize: 3, useBias: false }), bn, tf.layers.activation({ activation: "relu" }));
    randomizeBatchNorm(bn, 7);
    await assertParity(model);
  });
  it("after a relu conv (not foldable)", async () => {
    const bn = tf.layers.batchNormalization();
    const model = seq([6, 6, 2], tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: "relu" }), bn);
    randomizeBatchNorm(bn, 3);
    await assertParity(model);
  });
  it("on a flattened feature map (parameters permuted)", async () => {
    const bn = tf.layers.batchNormalization();
    const model = seq([3, 2, 2], tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: "relu" }), tf.layers.flatten(), bn, tf.layers.dense({ units: 3 }));
    randomizeBatchNorm(bn, 5);
    await assertParity(model);
  });
  it("on a dense output", async () => {
    const bn = tf.layers.batchNormalization();
    const model = seq([5], tf.layers.dense({ units: 4 }), bn);
    randomizeBatchNorm(bn, 11);
    await assertParity(model);
  });
});

describe("export layers: activations", () => {
  for (const activation of [
    "relu",
    "relu6",
    "tanh",
    "sigmoid",
    "softmax",
    "linear",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "hardSigmoid",
    "swish",
    "logSoftmax",
    "gelu",
    "mish",
  ]) {
    it(`${activation} on a vector and on a feature map`, async () => {
      await assertParity(seq([6], tf.layers.dense({ units: 5 }), tf.layers.activation({ activation: activation as "relu" })));
      await assertParity(seq([3, 4, 3], tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: activation as "relu" })));
    });
  }
  it("ReLU layer with and without maxValue 6, LeakyReLU", () =>
    assertParity(
      seq(
        [4, 4, 2],
        tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
        tf.layers.reLU({ maxValue: 6 }),
        tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
        tf.layers.reLU(),
        tf.layers.leakyReLU({ alpha: 0.1 }),
      ),
    ));
});

describe("export layers: Add and ZeroPadding2D", () => {
  it("residual add in a functional model", async () => {
    const input = tf.input({ shape: [6, 6, 3] });
    const a = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same" }).apply(a) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([input, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: "softmax" }).apply(tf.layers.flatten().apply(sum)) as tf.SymbolicTensor;
    await assertParity(tf.model({ inputs: input, outputs: out }));
  });
  it("add of three flattened branches keeps the permuted layout", async () => {
    const input = tf.input({ shape: [2, 3, 2] });
    const branches = [1, 2, 3].map(() => tf.layers.flatten().apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input)) as tf.SymbolicTensor);
    const out = tf.layers.dense({ units: 3 }).apply(tf.layers.add().apply(branches)) as tf.SymbolicTensor;
    await assertParity(tf.model({ inputs: input, outputs: out }));
  });
  it("add of a flattened map and a dense vector (layouts reconciled)", async () => {
    const input = tf.input({ shape: [2, 2, 3] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 12 }).apply(flat) as tf.SymbolicTensor;
    await assertParity(tf.model({ inputs: input, outputs: tf.layers.add().apply([flat, dense]) as tf.SymbolicTensor }));
  });
  it("zero padding, symmetric and asymmetric", () =>
    assertParity(
      seq(
        [4, 5, 2],
        tf.layers.zeroPadding2d({ padding: 1 }),
        tf.layers.zeroPadding2d({
          padding: [
            [1, 2],
            [0, 3],
          ],
        }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3 }),
      ),
    ));
});

describe("export layers: a small CNN end to end", () => {
  it("LeNet-like model with every common layer", async () => {
    const bn = tf.layers.batchNormalization();
    const model = seq(
      [12, 12, 1],
      tf.layers.conv2d({ filters: 4, kernelSize: 5, padding: "same" }),
      bn,
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: "relu" }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 8, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    );
    randomizeBatchNorm(bn, 13);
    await assertParity(model, 4);
  });
});
