/** What the exporter refuses, with exact messages: unsupported layers and settings, bad opsets, truncated ONNX files. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { convertTfjsToOnnx } from "../export/convert/tfjs-to-onnx.ts";
import { encodeOnnx, readOnnx } from "../formats/onnx/onnx-io.ts";

const SUPPORTED =
  "Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Flatten, " +
  "GlobalAveragePooling2D, GlobalMaxPooling2D, InputLayer, LeakyReLU, MaxPooling2D, ReLU, ZeroPadding2D";

describe("export refusals", () => {
  it("refuses an unsupported layer by name, class and the supported list", () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 4, inputShape: [5, 3], name: "lstm_1" }), tf.layers.dense({ units: 2 })] });
    assert.throws(() => convertTfjsToOnnx(model), {
      message: `Cannot convert layer "lstm_1" (LSTM): unsupported layer type. Supported: ${SUPPORTED}`,
    });
  });

  it("refuses an unsupported activation and lists the supported ones", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [5], activation: "gelu_new", name: "dense_1" })] });
    assert.throws(() => convertTfjsToOnnx(model), {
      message:
        'Cannot convert layer "dense_1" (Dense): unsupported activation "gelu_new". ' +
        "Supported: elu, gelu, hardSigmoid, linear, logSoftmax, mish, relu, relu6, selu, sigmoid, softmax, softplus, softsign, swish, tanh",
    });
  });

  it("refuses channelsFirst convolutions", () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [2, 4, 4], dataFormat: "channelsFirst", name: "conv_cf" })],
    });
    assert.throws(() => convertTfjsToOnnx(model), {
      message: 'Cannot convert layer "conv_cf" (Conv2D): dataFormat "channelsFirst" is not supported (only channelsLast)',
    });
  });

  it("refuses a Dense applied to an image tensor", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3, 3, 2], name: "dense_img" })] });
    assert.throws(() => convertTfjsToOnnx(model), {
      message: 'Cannot convert layer "dense_img" (Dense): expects a rank-2 input (add a Flatten or global pooling first), got shape [null, 3, 3, 2]',
    });
  });

  it("refuses an opset outside 13..17", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    assert.throws(() => convertTfjsToOnnx(model, { opset: 11 }), { message: "Unsupported opset 11. Expected an integer from 13 to 17 (IR version 8)." });
  });

  it("a truncated .onnx file fails to read with the file named", async () => {
    const dir = await mkdtemp(join(tmpdir(), "export-refusals-"));
    try {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [5], name: "dense_1" })] });
      const bytes = encodeOnnx(convertTfjsToOnnx(model).model);
      const path = join(dir, "model.fp32.onnx");
      await writeFile(path, bytes.subarray(0, 60));
      await assert.rejects(readOnnx(path), {
        message: `"${path}" is not a valid ONNX model (protobuf decoding failed: index out of range); the file is truncated or not ONNX. Re-export it (npm run export) or give another file.`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
