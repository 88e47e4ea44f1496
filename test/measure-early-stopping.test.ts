/**
 * MLPerf loadgen's early-stopping bound (`early_stopping.cc`: `odds(h, t, p, d)` =
 * BetaRegularized[p − d, h, 1 + t], the binomial CDF of at most t over-latency queries in
 * h + t; d = 0), checked against values worked by hand for p90 and p99 at 95% confidence.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { earlyStoppingPercentile, earlyStoppingVerdict, minPassingQueries, overLatencyOdds } from "../measure/index.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

describe("minPassingQueries at 95% confidence (1 − c = 0.05)", () => {
  it("p90, t = 0: h = ⌈ln 0.05 / ln 0.9⌉ = ⌈28.43⌉ = 29 (0.9^29 = 0.0471 < 0.05 ≤ 0.9^28 = 0.0523)", () => {
    assert.equal(Math.ceil(Math.log(0.05) / Math.log(0.9)), 29);
    close(overLatencyOdds(29, 0, 0.9), 0.9 ** 29);
    assert.equal((0.9 ** 29).toFixed(4), "0.0471");
    assert.equal((0.9 ** 28).toFixed(4), "0.0523");
    assert.equal(minPassingQueries(0, 0.9, 0.95), 29);
  });

  it("p90, t = 1: odds(h, 1) = 0.9^(h+1) + (h+1)·0.1·0.9^h; h = 45 gives 0.0480 < 0.05, h = 44 gives 0.0524", () => {
    const odds = (h: number) => 0.9 ** (h + 1) + (h + 1) * 0.1 * 0.9 ** h;
    close(overLatencyOdds(45, 1, 0.9), odds(45));
    assert.equal(odds(45).toFixed(4), "0.0480");
    assert.equal(odds(44).toFixed(4), "0.0524");
    assert.equal(minPassingQueries(1, 0.9, 0.95), 45);
  });

  it("p90, t = 2: adds C(h+2, 2)·0.1²·0.9^h; h = 59 gives 0.0491, h = 58 gives 0.0530", () => {
    const odds = (h: number) => 0.9 ** (h + 2) + (h + 2) * 0.1 * 0.9 ** (h + 1) + (((h + 2) * (h + 1)) / 2) * 0.01 * 0.9 ** h;
    close(overLatencyOdds(59, 2, 0.9), odds(59));
    assert.equal(odds(59).toFixed(4), "0.0491");
    assert.equal(odds(58).toFixed(4), "0.0530");
    assert.equal(minPassingQueries(2, 0.9, 0.95), 59);
  });

  it("p99, t = 0: h = ⌈ln 0.05 / ln 0.99⌉ = ⌈298.07⌉ = 299 (0.99^299 = 0.04954, 0.99^298 = 0.05004)", () => {
    assert.equal(Math.ceil(Math.log(0.05) / Math.log(0.99)), 299);
    assert.equal((0.99 ** 299).toFixed(5), "0.04954");
    assert.equal((0.99 ** 298).toFixed(5), "0.05004");
    assert.equal(minPassingQueries(0, 0.99, 0.95), 299);
  });

  it("p99, t = 1: odds(h, 1) = 0.99^(h+1) + (h+1)·0.01·0.99^h; h = 472 gives 0.04980, h = 471 gives 0.05021", () => {
    const odds = (h: number) => 0.99 ** (h + 1) + (h + 1) * 0.01 * 0.99 ** h;
    close(overLatencyOdds(472, 1, 0.99), odds(472));
    assert.equal(odds(472).toFixed(5), "0.04980");
    assert.equal(odds(471).toFixed(5), "0.05021");
    assert.equal(minPassingQueries(1, 0.99, 0.95), 472);
  });

  it("refuses a percentile or confidence outside (0, 1) and a negative count, naming the value", () => {
    assert.throws(() => minPassingQueries(0, 99, 0.95), { message: "percentile must be a fraction strictly between 0 and 1 (e.g. 0.9 for p90); got 99" });
    assert.throws(() => minPassingQueries(0, 0.9, 95), { message: "confidence must be a fraction strictly between 0 and 1 (e.g. 0.9 for p90); got 95" });
    assert.throws(() => minPassingQueries(-1, 0.9, 0.95), { message: "over-latency count must be a whole number >= 0; got -1" });
  });
});

describe("earlyStoppingPercentile (loadgen's SingleStream estimate)", () => {
  const ramp = (n: number) => Array.from({ length: n }, (_, i) => n - i); // n, n−1, …, 1 ms: sorted ascending i+1 at index i

  it("p90 needs h(1) + 1 = 46 queries: 45 give no estimate", () => {
    const r = earlyStoppingPercentile(ramp(45), 0.9);
    assert.equal(r.minQueries, 46);
    assert.equal(r.estimateMs, null);
  });

  it("46 queries: t = 1 (46 ≥ 45 + 1, 46 < 59 + 2), so the estimate is the highest sample, none discarded", () => {
    const r = earlyStoppingPercentile(ramp(46), 0.9);
    assert.equal(r.overAllowed, 1);
    assert.equal(r.estimateMs, 46);
  });

  it("61 queries: t = 2 (61 ≥ 59 + 2), the second highest (60 ms)", () => {
    const r = earlyStoppingPercentile(ramp(61), 0.9);
    assert.equal(r.overAllowed, 2);
    assert.equal(r.estimateMs, 60);
  });

  it("agrees with loadgen's loop (largest t with n ≥ h(t) + t) for p99 at n = 473 and 2000", () => {
    for (const n of [473, 2000]) {
      const r = earlyStoppingPercentile(ramp(n), 0.99);
      assert.ok(n >= minPassingQueries(r.overAllowed, 0.99, 0.95) + r.overAllowed);
      assert.ok(n < minPassingQueries(r.overAllowed + 1, 0.99, 0.95) + r.overAllowed + 1);
      assert.equal(r.estimateMs, n - r.overAllowed + 1);
    }
    assert.equal(earlyStoppingPercentile(ramp(473), 0.99).overAllowed, 1);
  });
});

describe("earlyStoppingVerdict (loadgen's Server rule)", () => {
  it("p99 with 1 query over the bound passes from h(1) + 1 = 473 queries, not at 472", () => {
    const run = (n: number) => [...Array.from({ length: n - 1 }, () => 1), 50];
    assert.deepEqual(earlyStoppingVerdict(run(473), 10, 0.99), { overBound: 1, neededQueries: 473, queries: 473, passes: true });
    assert.equal(earlyStoppingVerdict(run(472), 10, 0.99).passes, false);
  });
});
