/** Lab figures in the report: the memory exercise's errata, row-normalised confusion, data pictures. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import sharp from "sharp";
import { confusionMatrix, rowNormalised } from "../reports/confusion-matrix.ts";
import { predictionsStrip, samplesPerClass } from "../reports/dataset-images.ts";
import { exerciseErrata, exerciseEstimate } from "../reports/memory-tables.ts";

describe("lab metrics in the report", () => {
  it("says the notebook's 9,027,000-parameter answer is wrong and shows the working", () => {
    const [params, ram] = exerciseErrata(exerciseEstimate(50));
    assert.equal(
      params,
      "The assignment notebook's answer, 9,027,000 parameters and 36.11 MB for one prediction, is wrong. Working: conv1: 3×3×3 weights × 100 maps + 100 biases = 2,800 (the notebook writes 27,000, ten times 2,700, and drops the biases); conv2: 3×3×100 weights × 200 maps + 200 biases = 180,200 (the notebook writes 1,800,000, ten times 180,000, and drops the biases); conv3: 3×3×200 weights × 400 maps + 400 biases = 720,400 (the notebook writes 7,200,000, ten times 720,000, and drops the biases). Total: 903,400 parameters, 3.61 MB of float32 weights.",
    );
    assert.match(ram ?? "", /100×150×100 = 1,500,000, 50×75×200 = 750,000, 25×38×400 = 380,000 floats\): 14\.85 MB with every activation kept/);
  });

  it("row-normalises the confusion matrix as lab 3 (each true class sums to 1)", () => {
    const m = confusionMatrix([0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1], ["a", "b", "c"]);
    assert.deepEqual(rowNormalised(m), [
      [2 / 3, 1 / 3, 0],
      [1 / 3, 2 / 3, 0],
      [0, 0, 0],
    ]);
  });

  it("draws sample images per class and a predictions strip with wrong ones counted", async () => {
    // Four 2x2 grey images, labels 0, 1, 0, 1.
    const set = { images: Float32Array.from({ length: 16 }, (_, i) => i / 16), labels: Uint8Array.of(0, 1, 0, 1), count: 4 };
    const samples = await samplesPerClass(set, [2, 2, 1], 3, 2);
    assert.deepEqual(samples.shown, [2, 2, 0]);
    const meta = await sharp(samples.png).metadata();
    // scale round(56/2) = 28: 2 columns × (56 + 3) + 3, 3 rows × (56 + 3) + 3.
    assert.deepEqual([meta.width, meta.height], [121, 180]);
    const strip = await predictionsStrip(set, [2, 2, 1], [0, 0, 0, 1]);
    assert.equal(strip.wrong, 1);
    // Image 1 is wrong: its frame (top-left pixel of the second cell) is red.
    const { data, info } = await sharp(strip.png).raw().toBuffer({ resolveWithObject: true });
    const cell = 2 * 42 + 2 * 4 + 6;
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    assert.deepEqual(
      [at(6, 6), at(6 + cell, 6)],
      [
        [0, 160, 0],
        [220, 0, 0],
      ],
    );
  });
});
