/** `--summary`: the model built and summarised without data; config padding and batch-norm placement. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { buildConfigCnn, MODEL_NAMES, outlineModel, parseCnnConfig, summarize, trainModel } from "../train/index.ts";

describe("summary without data", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });

  it("outlines every zoo model for its lab dataset", async () => {
    const totals: Record<string, number> = {};
    for (const model of MODEL_NAMES) totals[model] = (await outlineModel({ model, progress: false })).summary.total;
    assert.equal(totals["cifar-cnn"], 714202);
    assert.equal(totals["cifar-cnn-final"], 1856650);
    assert.equal(totals["assignment-cnn"], 121930);
    assert.equal(totals.lenet, 186110);
    // MobileNetV2 alpha 1.0 on 32x32x3: Keras's 2,257,984-param base + Dense 1280→10.
    assert.equal(totals.mobilenetv2, 2257984 + 12810);
  });

  it("needs no data: a folder dataset without --data-dir still outlines, at --image-size", async () => {
    const o = await outlineModel({ model: "mobilenetv2", dataset: "folder", imageSize: [96, 96], progress: false });
    assert.deepEqual(o.inputShape, [96, 96, 3]);
    assert.match(o.text, /^Model: "mobilenetv2"/);
    assert.match(o.text, /Total params: 2,270,794\nTrainable params: 2,236,682\nNon-trainable params: 34,112/);
  });

  it("the lab6-f3 preset builds the notebook's 224x224 MobileNetV2 with a bare GAP + Dense head", async () => {
    const o = await outlineModel({ model: "mobilenetv2", preset: "lab6-f3", progress: false });
    assert.deepEqual(o.inputShape, [224, 224, 3]);
    assert.deepEqual(
      o.summary.layers.slice(-2).map((l) => l.className),
      ["GlobalAveragePooling2D", "Dense"],
    );
    const a3 = await outlineModel({ model: "mobilenetv2", preset: "assignment6-q10", progress: false });
    assert.deepEqual(a3.inputShape, [96, 96, 3]);
    assert.deepEqual(
      a3.summary.layers.slice(-4).map((l) => `${l.className}:${l.params}`),
      ["GlobalAveragePooling2D:0", "Dense:327936", "Dropout:0", "Dense:2570"],
    );
  });
});

describe("CNN config: padding and batch norm placement", () => {
  it("writes the lab's create_cnn_with_config ShallowCNN with batch_norm (after the activation)", () => {
    const config = parseCnnConfig({
      name: "shallow-bn",
      convBlocks: [
        { filters: 16, kernel: 3 },
        { filters: 32, kernel: 3 },
      ],
      dense: [64],
      dropout: 0.3,
      batchNorm: true,
      batchNormPosition: "after-activation",
    });
    const model = buildConfigCnn(config, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const s = summarize(model);
    assert.deepEqual(
      s.layers.map((l) => l.className),
      ["Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"],
    );
    assert.equal((model.layers[0]!.getConfig() as { activation: string }).activation, "relu");
    // 160 + 64 + 4,640 + 128 + 1,568·64+64 + 650 (same padding: 28→14→7).
    assert.deepEqual([s.total, s.nonTrainable], [106058, 96]);
    model.dispose();
  });

  it("writes the CIFAR-10 lab's batch-norm CNN (valid padding, BN before relu, BN on the dense layer) with its 715,930 params", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cnn-config-"));
    try {
      const path = join(dir, "bn.json");
      await writeFile(
        path,
        JSON.stringify({
          name: "cifar-bn-config",
          padding: "valid",
          batchNorm: true,
          denseBatchNorm: true,
          batchNormMomentum: 0.75,
          convBlocks: [
            { filters: 96, kernel: 5, dropout: 0.25 },
            { filters: 80, kernel: 5, dropout: 0.25 },
          ],
          dense: [256],
          dropout: 0.5,
        }),
      );
      const o = await outlineModel({ model: "lenet", modelConfig: path, dataset: "cifar10", progress: false });
      assert.deepEqual([o.summary.total, o.summary.nonTrainable], [715930, 864]);
      assert.deepEqual(
        o.summary.layers.slice(0, 3).map((l) => l.className),
        ["Conv2D", "BatchNormalization", "Activation"],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes the notebook's optimizer key as the default optimizer (a flag still wins)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cnn-config-"));
    try {
      const path = join(dir, "deep.json");
      // Lab 3's DeepCNN config, key for key.
      await writeFile(
        path,
        JSON.stringify({
          name: "deep-config",
          activation: "relu",
          dense: [128],
          dropout: 0.3,
          optimizer: "sgd",
          convBlocks: [
            { filters: 32, kernel: 3, pool: 2 },
            { filters: 64, kernel: 3, pool: 2 },
            { filters: 128, kernel: 3, pool: 2 },
          ],
        }),
      );
      const common = {
        model: "lenet",
        modelConfig: path,
        dataset: "synthetic" as const,
        limit: 32,
        testLimit: 8,
        epochs: 1,
        backend: "cpu" as const,
        out: join(dir, "out"),
        progress: false,
      };
      const a = await trainModel(common);
      assert.deepEqual([a.record.options.optimizer, a.record.params.total], ["sgd", 320 + 18496 + 73856 + (3 * 3 * 128 * 128 + 128) + 1290]);
      const b = await trainModel({ ...common, optimizer: "adam" });
      assert.equal(b.record.options.optimizer, "adam");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names a bad padding and lists the valid ones", () => {
    assert.throws(() => parseCnnConfig({ name: "x", convBlocks: [{ filters: 1, kernel: 3, padding: "full" }] }), {
      message: 'Invalid CNN config "config": convBlocks.0.padding: Invalid option: expected one of "same"|"valid"',
    });
  });
});
