/**
 * The paired protocol on synthetic data: the balanced block order, the cycle-ratio
 * estimator and its bootstrap interval, and the interleaved scheduler on a virtual clock
 * with a known drift, against the naive ratio of medians measured one after the other.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cycleOrder, measureInterleaved, pairedSpeedup, unpairedSpeedup, verdictOf, type BlockMedian, type BlockTimer } from "../measure/index.ts";
import { percentile } from "../measure/statistics.ts";
import { seededRandom } from "../measure/random.ts";

/** A fake variant whose run takes `baseMs` × the machine's slowness at the virtual time. */
function driftingTimer(name: string, baseMs: number, clock: { t: number }, slowness: (t: number) => number): BlockTimer {
  return {
    name,
    async runBlock(runs) {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const ms = baseMs * slowness(clock.t);
        clock.t += ms;
        out.push(ms);
      }
      return out;
    },
  };
}

const SETTINGS = { warmupTimeMs: 20, warmupIterations: 5, measureMs: 4000, maxMs: 8000, blockMs: 20, minCycles: 3, seed: 7 };
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

describe("cycleOrder", () => {
  it("is a permutation followed by its reverse, so each variant's mean position is the same", () => {
    const random = seededRandom(3);
    for (let k = 0; k < 20; k++) {
      const order = cycleOrder(3, random);
      assert.equal(order.length, 6);
      assert.deepEqual(order.slice(3), order.slice(0, 3).reverse());
      assert.deepEqual([...order.slice(0, 3)].sort(), [0, 1, 2]);
      const meanPos = (v: number) => order.flatMap((x, i) => (x === v ? [i] : [])).reduce((a, b) => a + b, 0) / 2;
      assert.deepEqual([meanPos(0), meanPos(1), meanPos(2)], [2.5, 2.5, 2.5]);
    }
  });
  it("is ABBA or BAAB for two variants, and seeded", () => {
    const a = Array.from(
      { length: 8 },
      (
        (r) => () =>
          cycleOrder(2, r).join("")
      )(seededRandom(5)),
    );
    const b = Array.from(
      { length: 8 },
      (
        (r) => () =>
          cycleOrder(2, r).join("")
      )(seededRandom(5)),
    );
    assert.deepEqual(a, b);
    assert.ok(a.every((o) => o === "0110" || o === "1001"));
    assert.ok(a.includes("0110") && a.includes("1001"));
    assert.deepEqual(cycleOrder(1, seededRandom(1)), [0]);
    assert.throws(() => cycleOrder(0, seededRandom(1)), /Invalid variant count "0": expected a positive integer/);
  });
});

describe("pairedSpeedup", () => {
  it("takes the median of per-cycle ratios and says whether the interval excludes 1", () => {
    const blocks: BlockMedian[] = [];
    // Cycle c: baseline 2 ms, variant 1 ms, both times the machine's slowness (1, 2, 3…).
    for (let c = 0; c < 10; c++) {
      const slow = 1 + c;
      blocks.push({ round: 1, cycle: c, variant: "fp32", runs: 10, medianMs: 2 * slow });
      blocks.push({ round: 1, cycle: c, variant: "int8", runs: 10, medianMs: slow * (c === 9 ? 1.6 : 1) });
    }
    const est = pairedSpeedup(blocks, "fp32", "int8");
    assert.ok(est);
    assert.equal(est.speedup, 2);
    assert.equal(est.pairs, 10);
    assert.equal(est.rounds, 1);
    assert.equal(est.verdict, "faster");
    assert.ok(est.ci95[0] <= 2 && est.ci95[1] >= 2);
  });
  it("widens the interval when rounds disagree (a process in a slow mode), and pools their cycles", () => {
    const blocks: BlockMedian[] = [];
    for (const [round, ratio] of [
      [1, 1.2],
      [2, 1.5],
    ] as const) {
      for (let c = 0; c < 20; c++) {
        const jitter = 1 + 0.01 * Math.sin(c * 1.7 + round);
        blocks.push({ round, cycle: c, variant: "fp32", runs: 5, medianMs: ratio * jitter });
        blocks.push({ round, cycle: c, variant: "int8", runs: 5, medianMs: 1 });
      }
    }
    const est = pairedSpeedup(blocks, "fp32", "int8");
    assert.ok(est);
    assert.equal(est.rounds, 2);
    assert.equal(est.pairs, 40);
    assert.ok(est.ci95[0] < 1.23 && est.ci95[1] > 1.47, `interval ${est.ci95.join("–")} should span both rounds`);
    const one = pairedSpeedup(
      blocks.filter((b) => b.round === 1),
      "fp32",
      "int8",
    );
    assert.ok(one && one.ci95[1] - one.ci95[0] < 0.03);
  });
  it("is null without a shared cycle, and the verdict covers the three cases", () => {
    assert.equal(pairedSpeedup([{ round: 1, cycle: 0, variant: "fp32", runs: 1, medianMs: 1 }], "fp32", "int8"), null);
    assert.equal(verdictOf([0.9, 1.1]), "no clear difference");
    assert.equal(verdictOf([0.7, 0.9]), "slower");
    assert.equal(verdictOf([1.01, 1.2]), "faster");
    // Two pairs cannot call a difference, however narrow their interval.
    assert.equal(verdictOf([1.01, 1.2], 2), "no clear difference");
    const two = pairedSpeedup(
      [0, 1].flatMap((c) => [
        { round: 1, cycle: c, variant: "fp32", runs: 1, medianMs: 2 },
        { round: 1, cycle: c, variant: "int8", runs: 1, medianMs: 1 },
      ]),
      "fp32",
      "int8",
    );
    assert.deepEqual([two?.speedup, two?.ci95, two?.verdict], [2, [2, 2], "no clear difference"]);
  });
});

describe("measureInterleaved under a known drift", () => {
  // The machine slows down linearly: 1× at t = 0, 3× at t = 8 s (virtual).
  const slowness = (t: number) => 1 + t / 4000;
  it("recovers the true ratio where the naive ratio of medians measured one after the other does not", async () => {
    const clock = { t: 0 };
    const now = () => clock.t;
    const fp32 = driftingTimer("fp32", 0.125, clock, slowness);
    const int8 = driftingTimer("int8", 0.1, clock, slowness); // true speedup 1.25
    const res = await measureInterleaved([fp32, int8], { ...SETTINGS, now });
    const est = pairedSpeedup(res.blocks, "fp32", "int8");
    assert.ok(est);
    assert.ok(Math.abs(est.speedup - 1.25) < 0.005, `paired estimate ${est.speedup}`);
    assert.ok(est.ci95[0] <= 1.25 && est.ci95[1] >= 1.25);
    assert.ok(res.cycles >= 3);
    assert.deepEqual(
      res.runsPerBlock.map((n) => n > 100),
      [true, true],
    );
    // The same time spent on FP32 first, then INT8: the drift lands in the ratio.
    const seq = { t: 0 };
    const a = await driftingTimer("fp32", 0.125, seq, slowness).runBlock(Math.round(res.samples[0]!.length));
    const b = await driftingTimer("int8", 0.1, seq, slowness).runBlock(Math.round(res.samples[1]!.length));
    const naive = median(a) / median(b);
    assert.ok(Math.abs(naive - 1.25) > 0.25, `naive sequential ratio ${naive}`);
  });
  it("keeps every variant's samples, sizes blocks by each one's speed and stops at the hard limit", async () => {
    const clock = { t: 0 };
    const res = await measureInterleaved([driftingTimer("a", 1, clock, () => 1), driftingTimer("b", 10, clock, () => 1)], {
      ...SETTINGS,
      measureMs: 1e9,
      maxMs: 2000,
      now: () => clock.t,
    });
    assert.deepEqual(res.runsPerBlock, [20, 2]);
    assert.ok(clock.t <= 2000 + 2 * (20 * 1 + 2 * 10));
    assert.equal(res.samples[0]!.length, res.cycles * 2 * 20);
    assert.equal(res.blocks.length, res.cycles * 4);
  });
  it("runs one cycle of single-run blocks when the first run already exceeds the limit", async () => {
    const clock = { t: 0 };
    const res = await measureInterleaved([driftingTimer("a", 900, clock, () => 1), driftingTimer("b", 800, clock, () => 1)], {
      ...SETTINGS,
      maxMs: 500,
      firstRunMs: 900,
      now: () => clock.t,
    });
    assert.equal(res.cycles, 1);
    assert.deepEqual(res.runsPerBlock, [1, 1]);
    assert.equal(clock.t, 2 * 900 + 2 * 800);
  });
});

describe("unpairedSpeedup", () => {
  it("is the ratio of medians with an interval from each side's rounds", () => {
    const est = unpairedSpeedup(
      [
        [2, 2.1, 1.9],
        [2.2, 2.3],
      ],
      [
        [1, 1.05],
        [0.95, 1],
      ],
    );
    assert.ok(est);
    assert.equal(est.speedup, 2.1 / 1);
    assert.equal(est.rounds, 2);
    assert.equal(est.verdict, "faster");
    assert.equal(unpairedSpeedup([], [[1]]), null);
  });
});
