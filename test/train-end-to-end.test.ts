/** A tiny training run on the synthetic set: it must beat chance and write a complete model directory. */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureTrained, loadTfjsModel, readTrainRecord, trainModel } from "../train/index.ts";

describe("training end to end (synthetic data, wasm backend)", () => {
  let out = "";
  before(async () => {
    out = await mkdtemp(join(tmpdir(), "train-e2e-"));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("trains tiny-cnn well above chance and records everything in train.json", async () => {
    const { dir, record } = await trainModel({
      model: "tiny-cnn",
      dataset: "synthetic",
      epochs: 3,
      batchSize: 32,
      limit: 600,
      testLimit: 200,
      backend: "wasm",
      out,
      progress: false,
      seed: 7,
    });
    assert.equal(dir, join(out, "models", "tiny-cnn-synthetic"));
    assert.deepEqual((await readdir(dir)).sort(), ["model.json", "train.json", "weights.bin"]);
    // 10 classes: chance is 10%.
    assert.ok(record.test.accuracy > 0.5, `test accuracy ${record.test.accuracy} should beat chance (0.1) by far`);
    const saved = await readTrainRecord(dir);
    assert.equal(saved.model, "tiny-cnn");
    assert.equal(saved.backend.name, "wasm");
    assert.equal(saved.backend.reason, "requested by name");
    assert.equal(saved.epochsRun, 3);
    assert.equal(saved.history.length, 3);
    assert.deepEqual(
      saved.history.map((h) => h.epoch),
      [1, 2, 3],
    );
    assert.deepEqual([saved.dataset.trainCount, saved.dataset.valCount, saved.dataset.testCount], [540, 60, 200]);
    assert.deepEqual(saved.dataset.inputShape, [28, 28, 1]);
    assert.equal(saved.params.total, 26698);
    assert.equal(saved.seed, 7);
    assert.ok(saved.history.every((h) => h.samplesPerSecond > 0 && h.valAccuracy !== undefined));
    const model = await loadTfjsModel(dir);
    assert.equal(model.countParams(), 26698);
    model.dispose();
  });

  it("ensureTrained reuses a trained model instead of training again", async () => {
    const dir = join(out, "models", "tiny-cnn-synthetic");
    const old = new Date("2020-01-01T00:00:00Z");
    await utimes(join(dir, "train.json"), old, old);
    const again = await ensureTrained({ model: "tiny-cnn", dataset: "synthetic", out, progress: false });
    assert.equal(again.dir, dir);
    assert.equal((await stat(join(dir, "train.json"))).mtime.getTime(), old.getTime());
  });

  it("the same seed gives the same history", async () => {
    const run = (sub: string) =>
      trainModel({
        model: "fcnn",
        dataset: "synthetic",
        epochs: 1,
        batchSize: 50,
        limit: 200,
        testLimit: 50,
        backend: "wasm",
        out: join(out, sub),
        progress: false,
        seed: 3,
      });
    const [a, b] = [await run("a"), await run("b")];
    assert.equal(a.record.history[0]!.loss, b.record.history[0]!.loss);
    assert.equal(a.record.test.accuracy, b.record.test.accuracy);
  });

  it("early stopping restores the best epoch's weights", async () => {
    const { record } = await trainModel({
      model: "tiny-cnn",
      dataset: "synthetic",
      epochs: 4,
      batchSize: 32,
      limit: 300,
      testLimit: 50,
      backend: "wasm",
      out: join(out, "es"),
      progress: false,
      seed: 5,
      patience: 1,
      learningRate: 0.05,
    });
    const vals = record.history.map((h) => h.valAccuracy!);
    assert.equal(record.bestEpoch, record.history[vals.indexOf(Math.max(...vals))]!.epoch);
  });
});
