/** Bad training options and CNN configs give errors that name the bad value. */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildConfigCnn, parseCnnConfig, readCnnConfig, resolveTrainOptions, summarize } from "../train/index.ts";

describe("training options", () => {
  it("defaults: lenet trains on mnist, 3 epochs, batch 128, adam, seed 42", () => {
    const o = resolveTrainOptions({ model: "lenet" });
    assert.deepEqual(
      [o.dataset, o.epochs, o.batchSize, o.optimizer, o.seed, o.validationSplit, o.backend, o.labels],
      ["mnist", 3, 128, "adam", 42, 0.1, "auto", "onehot"],
    );
    assert.equal(resolveTrainOptions({ model: "cifar-cnn" }).dataset, "cifar10");
  });

  it("names each bad value", () => {
    assert.throws(() => resolveTrainOptions({ model: "lenet", dataset: "mnistt" as "mnist" }), {
      message: 'Unknown dataset "mnistt". Expected one of: mnist, fashion-mnist, cifar10, folder, synthetic',
    });
    assert.throws(() => resolveTrainOptions({ model: "lenet", epochs: 0 }), { message: 'Invalid epochs "0": expected a whole number ≥ 1' });
    assert.throws(() => resolveTrainOptions({ model: "lenet", batchSize: 2.5 }), { message: 'Invalid batch size "2.5": expected a whole number ≥ 1' });
    assert.throws(() => resolveTrainOptions({ model: "lenet", validationSplit: 1 }), { message: 'Invalid validation split "1": expected a number in [0, 1)' });
    assert.throws(() => resolveTrainOptions({ model: "lenet", optimizer: "rmsprop" as "adam" }), {
      message: 'Unknown optimizer "rmsprop". Expected one of: adam, sgd',
    });
    assert.throws(() => resolveTrainOptions({ model: "lenet", augment: ["zoom" as "flip"] }), {
      message: 'Unknown augmentation "zoom". Expected any of: flip, shift, rotation',
    });
  });
});

describe("CNN from a JSON config", () => {
  it("builds the described network (hand-computed parameters)", () => {
    const config = parseCnnConfig({
      name: "my-cnn",
      convBlocks: [
        { filters: 8, kernel: 3, batchNorm: true },
        { filters: 16, kernel: 5, pool: 2, poolType: "avg", dropout: 0.1 },
      ],
      dense: [32],
      dropout: 0.2,
    });
    const model = buildConfigCnn(config, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    // conv 3x3x1x8+8 = 80, BN 4x8 = 32; conv 5x5x8x16+16 = 3216; 7x7x16 = 784 → 32: 25120; 32 → 10: 330.
    assert.equal(summarize(model).total, 80 + 32 + 3216 + 25120 + 330);
    assert.deepEqual(
      model.layers.map((l) => l.getClassName()),
      ["Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Conv2D", "AveragePooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense"],
    );
    model.dispose();
  });

  it("names the bad key", async () => {
    assert.throws(() => parseCnnConfig({ name: "x", convBlocks: [{ filters: -1, kernel: 3 }] }, "cfg.json"), {
      message: 'Invalid CNN config "cfg.json": convBlocks.0.filters: Too small: expected number to be >0',
    });
    assert.throws(() => parseCnnConfig({ name: "x", convBlocks: [{ filters: 4, kernel: 3, pooling: 2 }] }, "cfg.json"), {
      message: 'Invalid CNN config "cfg.json": convBlocks.0: Unrecognized key: "pooling"',
    });
    const dir = await mkdtemp(join(tmpdir(), "cfg-"));
    await writeFile(join(dir, "bad.json"), "{ nope");
    await assert.rejects(readCnnConfig(join(dir, "bad.json")), (e: Error) => e.message.startsWith(`CNN config "${join(dir, "bad.json")}" is not valid JSON: `));
    await assert.rejects(readCnnConfig(join(dir, "missing.json")), { message: `Cannot read CNN config "${join(dir, "missing.json")}": ENOENT` });
  });
});
