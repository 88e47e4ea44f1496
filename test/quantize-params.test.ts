import assert from "node:assert/strict";
import { test } from "node:test";
import { activationParams, quantizeBias, quantizeWeight, roundHalfEven, weightScale } from "../export/quantize/quant-params.ts";

test("activation range [-1, 2] as uint8: scale 3/255, zero point 85", () => {
  assert.deepEqual(activationParams(-1, 2, "uint8"), { scale: Math.fround(3 / 255), zeroPoint: 85 });
});

test("activation range [-1, 2] as int8: scale 3/255, zero point -43", () => {
  assert.deepEqual(activationParams(-1, 2, "int8"), { scale: Math.fround(3 / 255), zeroPoint: -43 });
});

test("activation range is widened to include 0", () => {
  // [0.5, 2] → [0, 2]: zero point at qmin
  assert.deepEqual(activationParams(0.5, 2, "uint8"), { scale: Math.fround(2 / 255), zeroPoint: 0 });
  assert.deepEqual(activationParams(-4, -1, "uint8"), { scale: Math.fround(4 / 255), zeroPoint: 255 });
});

test("zero-width range gives scale 1, zero point 0 (as ORT)", () => {
  assert.deepEqual(activationParams(0, 0, "uint8"), { scale: 1, zeroPoint: 0 });
  assert.deepEqual(activationParams(0, 0, "int8"), { scale: 1, zeroPoint: 0 });
});

test("rounding is half to even", () => {
  assert.deepEqual([2.5, 3.5, -2.5, -3.5, 1.4, 1.6].map(roundHalfEven), [2, 4, -2, -4, 1, 2]);
});

test("per-channel symmetric int8 weights of a [2,1,1,3] tensor", () => {
  const w = Float32Array.of(0.5, -1, 0.25, 2, 0, -0.3);
  const q = quantizeWeight(w, [2, 1, 1, 3], 0);
  assert.deepEqual(Array.from(q.scales), [Math.fround(1 / 127), Math.fround(2 / 127)]);
  assert.deepEqual(Array.from(q.values), [64, -127, 32, 127, 0, -19]);
});

test("per-tensor weights use one scale max|w|/127", () => {
  const q = quantizeWeight(Float32Array.of(0.5, -1, 0.25, 2, 0, -0.3), [2, 3], undefined);
  assert.deepEqual(Array.from(q.scales), [Math.fround(2 / 127)]);
  assert.deepEqual(Array.from(q.values), [32, -64, 16, 127, 0, -19]);
  assert.equal(weightScale(0), 1);
});

test("int32 bias: scale = input scale × weight scale per channel, zero point 0", () => {
  const b = quantizeBias(Float32Array.of(1, -1), 0.5, Float32Array.of(0.1, 0.2));
  assert.deepEqual(Array.from(b.scales), [Math.fround(0.05), Math.fround(0.1)]);
  assert.deepEqual(Array.from(b.values), [20, -10]);
});
