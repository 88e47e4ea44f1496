/** MobileNetV2 transfer learning: weights by layer name, frozen base, fine-tuning the top layers. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { mobilenetV2, saveTfjsModel, summarize, trainModel } from "../train/index.ts";
import { freezeBase, loadPretrained, unfreezeTop } from "../train/transfer.ts";

describe("mobilenetv2 transfer learning", () => {
  let dir = "";
  const ctx = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, seed: 1 };
  before(async () => {
    await tf.setBackend("cpu");
    dir = await mkdtemp(join(tmpdir(), "pretrained-"));
    const source = mobilenetV2(ctx);
    await saveTfjsModel(source, join(dir, "pre"));
    source.dispose();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("copies every base layer's weights by name and freezes the base under the head", async () => {
    const source = mobilenetV2(ctx);
    const target = mobilenetV2({ ...ctx, seed: 2 });
    const loaded = await loadPretrained(target, join(dir, "pre"));
    const withWeights = target.layers.slice(0, target.layers.findIndex((l) => l.name === "out_relu") + 1).filter((l) => l.weights.length > 0);
    assert.equal(loaded.loaded, withWeights.length);
    assert.deepEqual(loaded.missing, []);
    // Different seeds, but the copied base weights are now equal (the head is not copied).
    const a = source.getLayer("block_16_project").getWeights()[0]!;
    const b = target.getLayer("block_16_project").getWeights()[0]!;
    assert.equal(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], 0);
    freezeBase(target);
    // Only the new head trains: Dense 1280 → 10.
    assert.equal(summarize(target).trainable, 1280 * 10 + 10);
    assert.equal(unfreezeTop(target, 5), 3); // block_16_project, Conv_1, out_relu (batch norms stay frozen)
    const conv1 = target.getLayer("Conv_1").countParams();
    const project = target.getLayer("block_16_project").countParams();
    assert.equal(summarize(target).trainable, 1280 * 10 + 10 + conv1 + project);
    source.dispose();
    target.dispose();
  });

  it("refuses a pretrained model that shares no layer", async () => {
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: "foo" })] });
    await saveTfjsModel(other, join(dir, "other"));
    const target = mobilenetV2(ctx);
    await assert.rejects(loadPretrained(target, join(dir, "other")), {
      message: `Pretrained model "${join(dir, "other")}" shares no layer (same name and shape) with this MobileNetV2; check --alpha and the input channels (pretrained ImageNet weights need 3 channels).`,
    });
    await assert.rejects(loadPretrained(target, join(dir, "nope")), {
      message: `Pretrained weights "${join(dir, "nope")}" is not a directory. Give a tfjs model directory (model.json + weights) or an http(s) URL.`,
    });
    target.dispose();
  });

  it("trains the head, then fine-tunes, and records both phases", async () => {
    const { record } = await trainModel({
      model: "mobilenetv2", dataset: "synthetic", epochs: 1, batchSize: 32, limit: 64, testLimit: 32,
      pretrained: join(dir, "pre"), fineTuneLayers: 10, fineTuneEpochs: 1, backend: "wasm",
      out: join(dir, "out"), progress: false,
    });
    assert.equal(record.epochsRun, 2);
    assert.equal(record.transfer?.pretrained, join(dir, "pre"));
    assert.equal(record.transfer?.fineTuneEpochs, 1);
    assert.equal(record.transfer?.fineTuneLearningRate, 0.0001);
  });
});
