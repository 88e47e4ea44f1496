/** The exported graph has a dynamic batch axis: the same ONNX model runs at batch 1 and 3 and matches tfjs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { convertTfjsToOnnx } from "../export/convert/tfjs-to-onnx.ts";
import { parityOnRandomInput } from "./export-helpers.ts";

function cnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: "softmax" }),
    ],
  });
}

describe("export dynamic batch", () => {
  it("declares the batch axis as dim_param 'batch' on input and output", () => {
    const { model, facts } = convertTfjsToOnnx(cnn());
    assert.deepEqual(facts.inputShape, ["batch", 1, 8, 8]);
    assert.deepEqual(facts.outputShape, ["batch", 4]);
    assert.equal(model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam, "batch");
    assert.equal(model.graph?.output?.[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam, "batch");
    assert.equal(model.graph?.output?.[0]?.name, "probabilities");
  });

  it("runs the same model at batch 1 and batch 3", async () => {
    const model = cnn();
    for (const batch of [1, 3]) {
      const maxAbsDiff = await parityOnRandomInput(model, batch, batch);
      assert.ok(maxAbsDiff <= 1e-5, `batch ${batch}: max |Δ| ${maxAbsDiff}`);
    }
  });
});
