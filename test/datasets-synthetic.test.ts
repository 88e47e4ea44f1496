import { test } from "node:test";
import assert from "node:assert/strict";
import { generateSynthetic, loadDataset, type ImageSet } from "../datasets/index.ts";

/** Accuracy of a nearest-class-mean classifier fitted on `train`, measured on `test`. */
function nearestMeanAccuracy(train: ImageSet, test: ImageSet, classes: number): number {
  const size = train.images.length / train.count;
  const sums = Array.from({ length: classes }, () => new Float64Array(size));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < train.count; i++) {
    const k = train.labels[i]!;
    counts[k]!++;
    for (let j = 0; j < size; j++) sums[k]![j]! += train.images[i * size + j]!;
  }
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = -1;
    let bestDist = Infinity;
    for (let k = 0; k < classes; k++) {
      let d = 0;
      for (let j = 0; j < size; j++) d += (test.images[i * size + j]! - sums[k]![j]! / counts[k]!) ** 2;
      if (d < bestDist) [best, bestDist] = [k, d];
    }
    if (best === test.labels[i]) correct++;
  }
  return correct / test.count;
}

test("synthetic: shapes, range, all classes present, learnable, seeded", async () => {
  const d = generateSynthetic({ count: 300, testCount: 100, height: 12, width: 10, channels: 3, classes: 5, seed: 3 });
  assert.deepEqual([d.info.height, d.info.width, d.info.channels], [12, 10, 3]);
  assert.deepEqual(d.info.classNames, ["class-0", "class-1", "class-2", "class-3", "class-4"]);
  assert.deepEqual([d.train.count, d.test.count], [300, 100]);
  assert.equal(d.train.images.length, 300 * 12 * 10 * 3);
  assert.ok(d.train.images.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(new Set(d.train.labels).size, 5);
  assert.ok(nearestMeanAccuracy(d.train, d.test, 5) >= 0.9);
  const again = generateSynthetic({ count: 300, testCount: 100, height: 12, width: 10, channels: 3, classes: 5, seed: 3 });
  assert.deepEqual(again.train.images, d.train.images);
  const other = generateSynthetic({ count: 300, testCount: 100, height: 12, width: 10, channels: 3, classes: 5, seed: 4 });
  assert.notDeepEqual(other.train.images, d.train.images);
  const viaLoad = await loadDataset("synthetic", {
    count: 300,
    testCount: 100,
    height: 12,
    width: 10,
    channels: 3,
    classes: 5,
    seed: 3,
    limit: 50,
    testLimit: 10,
  });
  assert.deepEqual([viaLoad.train.count, viaLoad.test.count], [50, 10]);
  assert.deepEqual(viaLoad.train.images, d.train.images.subarray(0, 50 * 360));
});

test("synthetic defaults: 1000/200 images, 28×28×1, 10 classes", () => {
  const d = generateSynthetic();
  assert.deepEqual([d.train.count, d.test.count, d.info.height, d.info.width, d.info.channels, d.info.classNames.length], [1000, 200, 28, 28, 1, 10]);
  assert.ok(nearestMeanAccuracy(d.train, d.test, 10) >= 0.9);
});

test("synthetic rejects bad options", () => {
  assert.throws(() => generateSynthetic({ classes: 1 }), { message: "Invalid synthetic classes 1: expected a whole number in 2..256" });
  assert.throws(() => generateSynthetic({ height: 2 }), { message: "Invalid synthetic height 2: expected a whole number in 4..1024" });
  assert.throws(() => generateSynthetic({ channels: 2 as 1 }), { message: "Invalid synthetic channels 2: expected 1 or 3" });
});
