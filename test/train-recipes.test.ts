/**
 * `--recipe lab` and `--preset`: the notebooks' settings fill what the caller left unset; the
 * CIFAR recipes run on generated CIFAR-10 files (shape and flow only: no real CIFAR-10 here).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { generateSynthetic } from "../datasets/index.ts";
import { LAB_RECIPES, MODEL_NAMES, recipeFor, resolveTrainOptions, trainModel } from "../train/index.ts";
import { runEpochs, type LoopSettings } from "../train/train-loop.ts";

/** A CIFAR-10 binary record: label byte, then 3 planes of 1024 bytes. */
function record(label: number, seed: number): Buffer {
  const r = Buffer.alloc(3073);
  r[0] = label;
  for (let i = 1; i < 3073; i++) r[i] = (i * 31 + seed * 17 + label * 40) % 256;
  return r;
}

describe("lab recipes", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "recipes-"));
    for (let b = 1; b <= 5; b++) {
      await writeFile(join(dir, `data_batch_${b}.bin`), Buffer.concat(Array.from({ length: 8 }, (_, i) => record((b + i) % 10, b * 8 + i))));
    }
    await writeFile(join(dir, "test_batch.bin"), Buffer.concat(Array.from({ length: 8 }, (_, i) => record(i, 100 + i))));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("cifar-cnn-final --recipe lab is the CIFAR-10 lab's SGD(0.04, decay 1e-6, Nesterov 0.9), batch 32, 25 epochs, 20% validation", () => {
    const o = resolveTrainOptions({ model: "cifar-cnn-final", recipe: "lab" });
    assert.deepEqual(
      [o.optimizer, o.learningRate, o.lrDecay, o.momentum, o.batchSize, o.epochs, o.validationSplit, o.labels],
      ["sgd", 0.04, 1e-6, 0.9, 32, 25, 0.2, "onehot"],
    );
  });

  it("a flag the user gives wins over the recipe; without --recipe the defaults stay short", () => {
    const o = resolveTrainOptions({ model: "lenet", recipe: "lab", epochs: 1 });
    assert.deepEqual([o.epochs, o.batchSize, o.labels, o.validationSplit], [1, 128, "sparse", 0.1]);
    const d = resolveTrainOptions({ model: "cifar-cnn" });
    assert.deepEqual([d.optimizer, d.epochs, d.batchSize, d.lrDecay], ["adam", 3, 128, 0]);
  });

  it("every zoo model has a recipe; mobilenetv2's is the lab6-f3 preset", () => {
    assert.deepEqual(
      MODEL_NAMES.filter((m) => m !== "mobilenetv2" && !(m in LAB_RECIPES)),
      [],
    );
    const o = resolveTrainOptions({ model: "mobilenetv2", recipe: "lab" });
    assert.deepEqual([o.imageSize, o.alpha, o.preprocess, o.fineTuneLayers, o.fineTuneLrFactor, o.batchSize], [[224, 224], 1, "symmetric", 30, 0.01, 32]);
  });

  it("errors name the bad preset or combination", () => {
    assert.throws(() => recipeFor("mobilenetv2", "default", "lab7"), {
      message: 'Unknown preset "lab7". Expected one of: lab6-f3, lab3-part6, assignment6-q10',
    });
    assert.throws(() => resolveTrainOptions({ model: "lenet", preset: "lab6-f3" }), {
      message: 'Preset "lab6-f3" is for --model mobilenetv2, not "lenet"; other models take --recipe lab',
    });
    assert.throws(() => resolveTrainOptions({ model: "lenet", optimizer: "adam", lrDecay: 0.1 }), {
      message: 'Learning-rate decay 0.1 needs --optimizer sgd (got "adam")',
    });
  });

  it("cifar-cnn --recipe lab trains on generated CIFAR-10 files (flow and shapes only) and records the recipe", async () => {
    const { record: r } = await trainModel({
      model: "cifar-cnn",
      recipe: "lab",
      dataset: "cifar10",
      dataDir: dir,
      epochs: 1,
      backend: "wasm",
      out: join(dir, "out"),
      progress: false,
    });
    assert.deepEqual([r.dataset.trainCount, r.dataset.valCount, r.dataset.testCount], [32, 8, 8]);
    assert.deepEqual(r.dataset.inputShape, [32, 32, 3]);
    assert.deepEqual([r.params.total, r.history.length], [714202, 1]);
    assert.deepEqual([r.options.optimizer, r.options.lrDecay, r.options.batchSize], ["sgd", 1e-6, 32]);
    assert.match(r.recipe?.source ?? "", /^004_8744a69186e23c83\.txt \(CIFAR-10 lab\) section 3/);
    assert.equal(r.paramsPerSecond, 714202 / r.trainingSeconds);
    assert.ok((r.inferenceMsPerSample ?? 0) > 0);
  });

  it("--image-size resizes any dataset: cifar-cnn on 32x32 CIFAR files at 40x40", async () => {
    const { record: r } = await trainModel({
      model: "cifar-cnn",
      dataset: "cifar10",
      dataDir: dir,
      epochs: 1,
      batchSize: 16,
      imageSize: [40, 40],
      backend: "wasm",
      out: join(dir, "out40"),
      progress: false,
    });
    assert.deepEqual(
      [r.dataset.inputShape, r.dataset.imageShape],
      [
        [40, 40, 3],
        [32, 32, 3],
      ],
    );
    // 40→36→18→14→7: 7·7·80 = 3920 into Dense 256.
    assert.equal(r.architecture.find((l) => l.className === "Dense")?.params, 3920 * 256 + 256);
  });

  it("sgd decay sets each step's learning rate to lr / (1 + decay × step), as Keras's legacy decay", async () => {
    await tf.setBackend("cpu");
    const data = generateSynthetic({ count: 40, testCount: 0, height: 4, width: 4, classes: 2, seed: 3 });
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2, activation: "softmax" })] });
    const optimizer = tf.train.momentum(0.5, 0.9, true);
    model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const s: LoopSettings = {
      epochs: 2,
      firstEpoch: 1,
      batchSize: 8,
      imageShape: [4, 4, 1],
      input: { shape: [4, 4, 1], scale: 1 / 255, offset: 0 },
      numClasses: 2,
      labels: "onehot",
      patience: 0,
      augment: { kinds: [], shiftFraction: 0, rotationDegrees: 0 },
      seed: 1,
      progress: false,
      label: "t",
      decay: { learningRate: 0.5, rate: 0.25 },
    };
    await runEpochs(model, data.train, { images: new Float32Array(0), labels: new Uint8Array(0), count: 0 }, s);
    // 2 epochs × 5 batches: the last step is step 9.
    assert.equal((optimizer as unknown as { learningRate: number }).learningRate, 0.5 / (1 + 0.25 * 9));
    model.dispose();
  });
});
