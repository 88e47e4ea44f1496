/** Parity figures, the FP32 failure message, and the helpers that feed ORT (NCHW, float16). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertParity, compareOutputs, fromFloat16Bits, nhwcToNchw, toFloat16Bits, top1Accuracy } from "../export/index.ts";

describe("export parity", () => {
  const reference = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.4, 0.1);
  const candidate = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.5, 0.4, 0.1);

  it("computes max |Δ|, top-1 agreement and accuracy", () => {
    const figures = compareOutputs(reference, candidate, 3);
    assert.equal(figures.count, 3);
    assert.equal(figures.agreeing, 2);
    assert.equal(figures.top1Agreement, 2 / 3);
    assert.ok(Math.abs(figures.maxAbsDiff - 0.3) < 1e-6);
    assert.equal(top1Accuracy(reference, Uint8Array.of(0, 2, 1), 3), 2 / 3);
  });

  it("fails loudly with the model, the figures and the thresholds", () => {
    const figures = compareOutputs(reference, candidate, 3);
    assert.throws(() => assertParity('FP32 export of "lenet-mnist"', "tfjs", figures), {
      message:
        'FP32 export of "lenet-mnist" disagrees with tfjs on 3 test images: max |Δ| 3.00e-1 (threshold 1e-4), top-1 agreement 66.67 % = 2/3 (threshold 100 %)',
    });
    assert.doesNotThrow(() => assertParity("x", "tfjs", compareOutputs(reference, reference, 3)));
  });

  it("a NaN output never passes", () => {
    const figures = compareOutputs(Float32Array.of(1, 0), Float32Array.of(NaN, 0), 2);
    assert.ok(Number.isNaN(figures.maxAbsDiff));
    assert.throws(() => assertParity("m", "tfjs", figures), /max \|Δ\| NaN/);
  });

  it("transposes NHWC images to NCHW", () => {
    // 1 image, 2×2 pixels, 2 channels: channel-last pairs (a0,a1)(b0,b1)(c0,c1)(d0,d1).
    const nhwc = Float32Array.of(1, 10, 2, 20, 3, 30, 4, 40);
    assert.deepEqual(Array.from(nhwcToNchw(nhwc, 1, { height: 2, width: 2, channels: 2 })), [1, 2, 3, 4, 10, 20, 30, 40]);
  });

  it("round-trips float16 values exactly where representable and rounds to nearest even", () => {
    const values = Float32Array.of(0, -0, 1, -2.5, 65504, 1e-7, 70000, 0.1, 2 ** -24);
    const bits = toFloat16Bits(values);
    assert.deepEqual(Array.from(bits), [0x0000, 0x8000, 0x3c00, 0xc100, 0x7bff, 0x0002, 0x7c00, 0x2e66, 0x0001]);
    assert.deepEqual(Array.from(fromFloat16Bits(bits)).slice(0, 5), [0, -0, 1, -2.5, 65504]);
  });
});
