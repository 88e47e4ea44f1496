/**
 * The zoo's parameter counts against values computed by hand:
 * conv = k·k·cin·cout + cout, dense = in·out + out, batch norm = 4·channels (2 trainable).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { buildModel, MODEL_NAMES, mobilenetV2, summarize } from "../train/index.ts";

const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const dense = (i: number, o: number) => i * o + o;
const MNIST: [number, number, number] = [28, 28, 1];
const CIFAR: [number, number, number] = [32, 32, 3];

/** model → [input shape, hand-computed total params, non-trainable params]. */
const EXPECTED: Record<string, [[number, number, number], number, number]> = {
  // 28→24 (5x5 valid)→12→8→4: 4·4·64 = 1024 into Dense 120.
  lenet: [MNIST, conv(5, 1, 32) + conv(5, 32, 64) + dense(1024, 120) + dense(120, 84) + dense(84, 10), 0],
  // same padding, 28→14→7: 7·7·64 = 3136.
  "basic-cnn": [MNIST, conv(3, 1, 32) + conv(3, 32, 64) + dense(3136, 128) + dense(128, 10), 0],
  "shallow-cnn": [MNIST, conv(3, 1, 16) + conv(3, 16, 32) + dense(7 * 7 * 32, 64) + dense(64, 10), 0],
  // three pools: 28→14→7→3.
  "deep-cnn": [MNIST, conv(3, 1, 32) + conv(3, 32, 64) + conv(3, 64, 128) + dense(3 * 3 * 128, 128) + dense(128, 10), 0],
  "wide-cnn": [MNIST, conv(3, 1, 64) + conv(3, 64, 128) + dense(7 * 7 * 128, 256) + dense(256, 10), 0],
  "tiny-cnn": [MNIST, conv(3, 1, 8) + conv(3, 8, 16) + dense(7 * 7 * 16, 32) + dense(32, 10), 0],
  "small-filters": [MNIST, conv(2, 1, 32) + conv(2, 32, 64) + dense(3136, 128) + dense(128, 10), 0],
  "large-filters": [MNIST, conv(5, 1, 32) + conv(5, 32, 64) + dense(3136, 128) + dense(128, 10), 0],
  "mixed-filters": [MNIST, conv(3, 1, 32) + conv(5, 32, 64) + dense(3136, 128) + dense(128, 10), 0],
  fcnn: [MNIST, dense(784, 512) + dense(512, 256) + dense(256, 10), 0],
  // 32→16→8→4 with three pools: 4·4·256 = 4096.
  "alexnet-cifar": [
    CIFAR,
    conv(3, 3, 64) + conv(3, 64, 192) + conv(3, 192, 384) + conv(3, 384, 256) + conv(3, 256, 256) + dense(4096, 1024) + dense(1024, 512) + dense(512, 10),
    0,
  ],
  // The CIFAR-10 lab (004): 5x5 valid convs, 32→28→14→10→5: 5·5·80 = 2000 into Dense 256.
  "cifar-cnn": [CIFAR, conv(5, 3, 96) + conv(5, 96, 80) + dense(2000, 256) + dense(256, 10), 0],
  "cifar-cnn-dropout": [CIFAR, conv(5, 3, 96) + conv(5, 96, 80) + dense(2000, 256) + dense(256, 10), 0],
  // Batch norm after both convs and Dense 256.
  "cifar-cnn-bn": [CIFAR, conv(5, 3, 96) + conv(5, 96, 80) + dense(2000, 256) + dense(256, 10) + 4 * (96 + 80 + 256), 2 * (96 + 80 + 256)],
  // 5·5·128 = 3200 into Dense 512.
  "cifar-cnn-final": [CIFAR, conv(5, 3, 64) + conv(5, 64, 128) + dense(3200, 512) + dense(512, 10) + 4 * (64 + 128 + 512), 2 * (64 + 128 + 512)],
  // The assignment (002): 3x3 valid, 28→26→13→11→5: 5·5·64 = 1600 into Dense 64.
  "assignment-cnn": [MNIST, conv(3, 1, 32) + conv(3, 32, 64) + dense(1600, 64) + dense(64, 10), 0],
};

describe("model zoo parameter counts", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });

  for (const [name, [shape, total, nonTrainable]] of Object.entries(EXPECTED)) {
    it(`${name} has ${total} parameters`, () => {
      const model = buildModel(name, { inputShape: shape, numClasses: 10, seed: 1 });
      const s = summarize(model);
      assert.equal(s.total, total);
      assert.equal(s.nonTrainable, nonTrainable);
      assert.equal(s.trainable, total - nonTrainable);
      model.dispose();
    });
  }

  it("lenet is exactly 186,110 parameters (the 2-conv LeNet of the labs)", () => {
    assert.equal(EXPECTED.lenet![1], 186110);
  });

  // The figures the notebooks' model.summary() printed (004: sections 2, 3, 4.1, 4.2, 5).
  const NOTEBOOK: [string, number, number][] = [
    ["cifar-cnn", 714202, 0],
    ["cifar-cnn-dropout", 714202, 0],
    ["cifar-cnn-bn", 715930, 864],
    ["cifar-cnn-final", 1856650, 1408],
  ];
  for (const [name, total, nonTrainable] of NOTEBOOK) {
    it(`${name} has the CIFAR-10 lab's ${total.toLocaleString("en-US")} params (${nonTrainable} non-trainable)`, () => {
      const s = summarize(buildModel(name, { inputShape: CIFAR, numClasses: 10, seed: 1 }));
      assert.deepEqual([s.total, s.nonTrainable], [total, nonTrainable]);
    });
  }

  it("the CIFAR-10 lab's fully connected baseline on 32x32x3 has its 1,707,274 params", () => {
    assert.equal(summarize(buildModel("fcnn", { inputShape: CIFAR, numClasses: 10, seed: 1 })).total, 1707274);
  });

  it("assignment-cnn has 121,930 params", () => {
    assert.equal(EXPECTED["assignment-cnn"]![1], 121930);
  });

  it("mobilenetv2 at alpha 1.0, 224x224x3, 1000 classes matches Keras's MobileNetV2 (3,538,984 params, 34,112 non-trainable)", () => {
    const model = mobilenetV2({ inputShape: [224, 224, 3], numClasses: 1000, seed: 1 }, { alpha: 1 });
    const s = summarize(model);
    assert.deepEqual([s.total, s.nonTrainable], [3538984, 34112]);
    assert.equal(model.getLayer("block_16_project").outputShape.toString(), ",7,7,320");
    model.dispose();
  });

  it("every zoo name has an expected count or is mobilenetv2", () => {
    assert.deepEqual(
      MODEL_NAMES.filter((n) => !(n in EXPECTED)),
      ["mobilenetv2"],
    );
  });

  it("an unknown model name lists the valid ones", () => {
    assert.throws(() => buildModel("lenett", { inputShape: MNIST, numClasses: 10, seed: 1 }), {
      message: `Unknown model "lenett". Expected one of: ${MODEL_NAMES.join(", ")} (or --model-config <file.json> for your own CNN)`,
    });
  });
});
