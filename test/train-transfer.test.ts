/** MobileNetV2 transfer learning: weights by layer name, frozen base, fine-tuning the top layers. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { exportModel, fromMetadataProps } from "../export/index.ts";
import { readOnnx } from "../formats/onnx/onnx-io.ts";
import { loadTfjsModel, mobilenetV2, saveTfjsModel, summarize, trainModel } from "../train/index.ts";
import { freezeBase, loadPretrained, unfreezeTop } from "../train/transfer.ts";

describe("mobilenetv2 transfer learning", () => {
  let dir = "";
  const ctx = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, seed: 1 };
  const small = { alpha: 0.35 };
  before(async () => {
    await tf.setBackend("cpu");
    dir = await mkdtemp(join(tmpdir(), "pretrained-"));
    const source = mobilenetV2(ctx, small);
    await saveTfjsModel(source, join(dir, "pre"));
    source.dispose();
    // RGB weights, as ImageNet's: trainModel repeats the grey synthetic images to 3 channels for them.
    const rgb = mobilenetV2({ ...ctx, inputShape: [28, 28, 3] }, small);
    await saveTfjsModel(rgb, join(dir, "pre3"));
    rgb.dispose();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("copies every base layer's weights by name and freezes the base under the head", async () => {
    const source = mobilenetV2(ctx, small);
    const target = mobilenetV2({ ...ctx, seed: 2 }, small);
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
    const target = mobilenetV2(ctx, small);
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
      model: "mobilenetv2",
      dataset: "synthetic",
      epochs: 1,
      batchSize: 32,
      limit: 64,
      testLimit: 32,
      pretrained: join(dir, "pre3"),
      alpha: 0.35,
      fineTuneLayers: 10,
      fineTuneEpochs: 1,
      backend: "wasm",
      out: join(dir, "out"),
      progress: false,
    });
    assert.equal(record.epochsRun, 2);
    assert.equal(record.transfer?.pretrained, join(dir, "pre3"));
    assert.deepEqual(
      [record.dataset.inputShape, record.dataset.imageShape],
      [
        [28, 28, 3],
        [28, 28, 1],
      ],
    );
    assert.equal(record.transfer?.fineTuneEpochs, 1);
    assert.equal(record.transfer?.fineTuneLearningRate, 0.0001);
  });

  it("a frozen phase leaves every base weight and batch-norm statistic bit-identical; the ONNX metadata carries the [-1, 1] preprocessing", async () => {
    const out = join(dir, "frozen");
    const { dir: modelDir, record } = await trainModel({
      model: "mobilenetv2",
      dataset: "synthetic",
      epochs: 1,
      batchSize: 16,
      limit: 48,
      testLimit: 16,
      validationSplit: 0,
      pretrained: join(dir, "pre3"),
      alpha: 0.35,
      backend: "cpu",
      out,
      progress: false,
    });
    assert.deepEqual([record.dataset.scale, record.dataset.offset], [2 / 255, -1]);
    const [pre, trained] = [await loadTfjsModel(join(dir, "pre3")), await loadTfjsModel(modelDir)];
    let compared = 0;
    let statistics = 0;
    for (const layer of pre.layers.slice(0, pre.layers.findIndex((l) => l.name === "out_relu") + 1)) {
      const theirs = trained.getLayer(layer.name).getWeights();
      layer.getWeights().forEach((w, i) => {
        const a = Buffer.from(w.dataSync<"float32">().buffer);
        const b = Buffer.from(theirs[i]!.dataSync<"float32">().buffer);
        assert.ok(a.equals(b), `${layer.name} weight ${i} changed in the frozen phase`);
        compared++;
      });
      if (layer.getClassName() === "BatchNormalization") statistics += 2;
    }
    // 52 batch norms × 4 tensors, 35 convs, 17 depthwise convs.
    assert.deepEqual([compared, statistics], [52 * 4 + 35 + 17, 104]);
    // The head did train.
    assert.notDeepEqual(pre.getLayer("head_dense").getWeights()[0]!.dataSync(), trained.getLayer("head_dense").getWeights()[0]!.dataSync());
    pre.dispose();
    trained.dispose();

    await exportModel({ modelDir, precisions: ["fp32"], parityLimit: 16, tfjsBackend: "cpu" });
    const meta = fromMetadataProps((await readOnnx(join(modelDir, "model.fp32.onnx"))).metadataProps);
    assert.deepEqual([meta?.scale, meta?.offset, meta?.inputShape], [2 / 255, -1, [3, 28, 28]]);
  });
});
