import { test } from "node:test";
import assert from "node:assert/strict";
import { estimateMemory, exerciseEstimate, inferenceBytes, layersFromSpecs, layersFromTfjs, parseOutputShape } from "../reports/index.ts";
import { estimateTable } from "../reports/memory-tables.ts";
import { tableToMarkdown } from "../reports/report-table.ts";

test("the exercise by hand: 200x300 RGB, three 3x3 stride-2 same convs, 100/200/400 maps", () => {
  const e = exerciseEstimate(50);
  assert.deepEqual(
    e.layers.map((l) => l.outputShape),
    [
      [100, 150, 100],
      [50, 75, 200],
      [25, 38, 400],
    ],
  );
  // params: 3·3·3·100+100, 3·3·100·200+200, 3·3·200·400+400
  assert.deepEqual(
    e.layers.map((l) => l.params),
    [2_800, 180_200, 720_400],
  );
  assert.equal(e.params, 903_400);
  assert.equal(e.weightBytes, 3_613_600); // ≈ 3.6 MB
  assert.deepEqual(
    e.layers.map((l) => l.activations),
    [1_500_000, 750_000, 380_000],
  );
  assert.equal(e.activationValues, 2_630_000);
  assert.equal(e.activationBytes, 10_520_000); // ≈ 10.5 MB per instance
  assert.equal(e.inputValues, 180_000);
  // one prediction, everything kept: 3,613,600 + (180,000 + 2,630,000)·4
  assert.equal(e.predictionBytes, 14_853_600);
  // streaming: weights + the largest consecutive pair (1.5M + 0.75M floats)
  assert.equal(e.streamingPredictionBytes, 3_613_600 + 2_250_000 * 4);
  // training on 50: 4 × weights (weights, gradients, Adam m, v) + 50 × (input + activations) × 4
  assert.equal(e.trainingBytes, 4 * 3_613_600 + 50 * 2_810_000 * 4);
  assert.equal(e.trainingBytes, 576_454_400);
  assert.equal(inferenceBytes(e, 2), 3_613_600 + 2 * 2_810_000 * 4);
});

test("the exercise table shows each layer and the totals as text", () => {
  const md = tableToMarkdown(estimateTable("x", "Exercise", exerciseEstimate(50)));
  assert.match(md, /\| conv1 \| conv2d \| 100×150×100 \| 2,800 \| 1,500,000 \| 6\.00 \|/);
  assert.match(md, /\| conv3 \| conv2d \| 25×38×400 \| 720,400 \| 380,000 \| 1\.52 \|/);
  assert.match(md, /\| total \| {2}\| {2}\| 903,400 \| 2,630,000 \| 10\.52 \|/);
  assert.match(md, /Weights: 903,400 params × 4 B = 3\.61 MB/);
  assert.match(md, /Training on a mini-batch of 50: 576\.5 MB/);
});

test("valid padding, pooling and dense layers", () => {
  const layers = layersFromSpecs(
    [28, 28, 1],
    [{ kind: "conv2d", filters: 32, kernel: 5 }, { kind: "maxPool2d", pool: 2 }, { kind: "flatten" }, { kind: "dense", units: 10 }],
  );
  assert.deepEqual(
    layers.map((l) => l.outputShape),
    [[24, 24, 32], [12, 12, 32], [4608], [10]],
  );
  assert.deepEqual(
    layers.map((l) => l.params),
    [832, 0, 0, 46_090],
  );
  assert.deepEqual(
    layers.map((l) => l.activations),
    [18_432, 4_608, 0, 10],
  );
});

test("tfjs layer lists: Keras-style shapes parsed, aliasing layers cost nothing", () => {
  assert.deepEqual(parseOutputShape("(None, 24, 24, 32)"), [[24, 24, 32]]);
  assert.deepEqual(parseOutputShape("[null,10]"), [[10]]);
  const layers = layersFromTfjs([
    { name: "c", className: "Conv2D", outputShape: "(None, 26, 26, 8)", params: 80 },
    { name: "f", className: "Flatten", outputShape: "(None, 5408)", params: 0 },
    { name: "d", className: "Dense", outputShape: "(None, 10)", params: 54_090 },
  ]);
  const e = estimateMemory(layers, [28, 28, 1], 32);
  assert.equal(e.params, 54_170);
  assert.equal(e.activationValues, 5_408 + 10);
  assert.equal(e.trainingBytes, 4 * 54_170 * 4 + 32 * (784 + 5_418) * 4);
});
