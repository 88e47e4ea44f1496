import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../measure/random.ts";
import { addToHistogram, entropyRange, makeHistogram, percentileRange } from "../export/quantize/calibration-methods.ts";

test("percentile of |x|: 99 % of 1..1000 is the upper edge of the bin holding 990", () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => i + 1);
  const h = makeHistogram(0, 1000);
  addToHistogram(h, values, true);
  // bin width 1000/2048; 990 lies in bin 2027, whose upper edge is 2028 × 1000/2048
  assert.deepEqual(percentileRange(h, { min: 1, max: 1000 }, 99), { min: 1, max: (2028 * 1000) / 2048 });
});

test("percentile range of a symmetric distribution cuts both tails at t", () => {
  const values = Float32Array.from({ length: 2001 }, (_, i) => i - 1000);
  const h = makeHistogram(0, 1000);
  addToHistogram(h, values, true);
  const r = percentileRange(h, { min: -1000, max: 1000 }, 90);
  assert.equal(r.max, -r.min);
  assert.ok(r.max >= 900 && r.max <= 901, `t = ${r.max}`);
});

test("entropy clips rare outliers: a bell-shaped body plus ±20 outliers gives a threshold inside the gap (body kept, outliers cut)", () => {
  const rand = seededRandom(3);
  // Irwin–Hall: sum of 12 uniforms − 6 ≈ N(0, 1), bounded to ±6
  const body = Array.from({ length: 50000 }, () => Array.from({ length: 12 }, rand).reduce((a, b) => a + b, 0) - 6);
  const values = Float32Array.from([...body, -20, 20, -20, 20]);
  const h = makeHistogram(-20, 20);
  addToHistogram(h, values, false);
  const r = entropyRange(h, { min: -20, max: 20 });
  assert.equal(r.max, -r.min);
  assert.ok(r.max > 4 && r.max < 10, `threshold ${r.max}`);
});

test("entropy keeps the full range when there are no outliers", () => {
  const values = Float32Array.from({ length: 20000 }, (_, i) => -1 + (2 * i) / 19999);
  const h = makeHistogram(-1, 1);
  addToHistogram(h, values, false);
  const r = entropyRange(h, { min: -1, max: 1 });
  assert.ok(r.max > 0.9, `threshold ${r.max}`);
});
