/** How many models train at once: side by side only on one-core backends with the cores and memory; a GPU backend is one device. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TRAIN_CHILD_BYTES, trainingConcurrency } from "../train/index.ts";

const GiB = 2 ** 30;

test("a one-core backend trains one model per core, within free memory", () => {
  const wasm = { name: "wasm", singleThreaded: true, gpu: false } as const;
  assert.deepEqual(trainingConcurrency(wasm, 3, 2, 16 * GiB), { concurrency: 2, why: "the wasm backend keeps one core busy per model; 2 cores" });
  assert.equal(trainingConcurrency(wasm, 3, 16, 16 * GiB).concurrency, 3);
  assert.equal(trainingConcurrency(wasm, 3, 16, 2 * TRAIN_CHILD_BYTES + 1).concurrency, 2);
  assert.equal(trainingConcurrency(wasm, 3, 16, 0).concurrency, 1);
});

test("a GPU backend is one device: models one after another, whatever the cores", () => {
  assert.deepEqual(trainingConcurrency({ name: "webgpu", singleThreaded: false, gpu: true }, 3, 16, 128 * GiB), {
    concurrency: 1,
    why: "the webgpu backend trains on one GPU: models share it one after another",
  });
  assert.equal(trainingConcurrency({ name: "tfjs-node-gpu", singleThreaded: false, gpu: true }, 3, 16, 128 * GiB).concurrency, 1);
  assert.deepEqual(trainingConcurrency({ name: "tfjs-node", singleThreaded: false, gpu: false }, 3, 16, 128 * GiB), {
    concurrency: 1,
    why: "the tfjs-node backend uses every core: models train one after another",
  });
});
