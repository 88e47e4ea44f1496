/** ORT's default intra-op pool resolved from a (fake) CPU topology, the thread ladder's plan, and which setting a row is. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TimingRecord } from "../formats/run/run-records.ts";
import { ortDefaultIntraOpThreads, resolvedIntraOpThreads, sysfsPhysicalCores } from "../profile/cpu-topology.ts";
import { intraOpThreadsOf, threadLadder } from "../profile/intra-op-threads.ts";
import { parseThreadVariant, threadVariant } from "../formats/run/thread-variant.ts";
import { poolSizeFromCounts } from "../profile/ort-thread-readback.ts";
import { chosenThreads, fastestThreadVariant, ladderVariants } from "../profile/thread-choice.ts";

test("ORT's default pool from a fake topology: the read-back wins, else physical cores, else half the logical CPUs", () => {
  // this VM: 2 cores of 1 thread, ORT's default read back as 1 thread
  assert.deepEqual(ortDefaultIntraOpThreads({ logicalCpus: 2, physicalCores: 2 }, 1), { threads: 1, from: "read back" });
  assert.deepEqual(ortDefaultIntraOpThreads({ logicalCpus: 2, physicalCores: 2 }), { threads: 2, from: "predicted" });
  assert.deepEqual(ortDefaultIntraOpThreads({ logicalCpus: 32, physicalCores: 16 }), { threads: 16, from: "predicted" });
  assert.deepEqual(ortDefaultIntraOpThreads({ logicalCpus: 32, physicalCores: null }), { threads: 16, from: "predicted" });
  assert.deepEqual(ortDefaultIntraOpThreads({ logicalCpus: 1, physicalCores: null }), { threads: 1, from: "predicted" });
  assert.throws(() => ortDefaultIntraOpThreads({ logicalCpus: 2, physicalCores: 2 }, 0), {
    message: "Invalid read-back pool size 0: expected a whole number ≥ 1",
  });
  assert.equal(resolvedIntraOpThreads(0, { threads: 8, from: "read back" }), 8);
  assert.equal(resolvedIntraOpThreads(3, { threads: 8, from: "read back" }), 3);
  assert.throws(() => resolvedIntraOpThreads(-2, { threads: 8, from: "read back" }), {
    message: "Invalid intraOpNumThreads -2: expected a whole number ≥ 0 (0 = ONNX Runtime's default)",
  });
  assert.equal(poolSizeFromCounts(11, 11), 1);
  assert.equal(poolSizeFromCounts(11, 14), 4);
  assert.equal(poolSizeFromCounts(null, 14), null);
  assert.equal(poolSizeFromCounts(12, 10), null);
});

test("physical cores counted from a generated sysfs tree: (package, core) pairs, null when unreadable", () => {
  const root = mkdtempSync(join(tmpdir(), "sysfs-"));
  try {
    // 2 packages × 2 cores × 2 hyperthreads = 8 logical CPUs, 4 cores
    for (let cpu = 0; cpu < 8; cpu++) {
      mkdirSync(join(root, `cpu${cpu}`, "topology"), { recursive: true });
      writeFileSync(join(root, `cpu${cpu}`, "topology", "physical_package_id"), `${cpu >> 2}\n`);
      writeFileSync(join(root, `cpu${cpu}`, "topology", "core_id"), `${(cpu >> 1) & 1}\n`);
    }
    mkdirSync(join(root, "cpufreq"));
    assert.equal(sysfsPhysicalCores(root), 4);
    assert.equal(sysfsPhysicalCores(join(root, "missing")), null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the thread ladder: powers of two up to the logical CPUs, ORT's default's rung never timed twice", () => {
  assert.deepEqual(threadLadder(2, 1), { rungs: [1, 2], defaultThreads: 1, defaultRung: 1, timed: [2] });
  assert.deepEqual(threadLadder(16, 16), { rungs: [1, 2, 4, 8, 16], defaultThreads: 16, defaultRung: 16, timed: [1, 2, 4, 8] });
  assert.deepEqual(threadLadder(12, 6), { rungs: [1, 2, 4, 8, 12], defaultThreads: 6, defaultRung: null, timed: [1, 2, 4, 8, 12] });
  assert.deepEqual(threadLadder(1, 1), { rungs: [1], defaultThreads: 1, defaultRung: 1, timed: [] });
  assert.throws(() => threadLadder(0, 1), { message: "Invalid logical CPU count 0: expected a whole number ≥ 1" });
  assert.throws(() => threadLadder(4, 0), { message: "Invalid ORT default thread count 0: expected a whole number ≥ 1" });
  assert.equal(threadVariant("int8", 4), "int8@4t");
  assert.deepEqual(parseThreadVariant("int8-all@16t"), { precision: "int8-all", threads: 16 });
  assert.equal(parseThreadVariant("int8"), undefined);
});

test("a row's thread facts: the pool size used, never 0, and where it comes from", () => {
  const def = { threads: 1, from: "read back" as const };
  assert.deepEqual(intraOpThreadsOf({ executionProviders: ["cpu"] }, 2, def), {
    requested: 0,
    logicalCpus: 2,
    used: 1,
    usedFrom: "read back",
    interOp: 0,
    executionMode: "sequential",
  });
  assert.deepEqual(intraOpThreadsOf({ intraOpNumThreads: 2 }, 2, def, 2), {
    requested: 2,
    logicalCpus: 2,
    used: 2,
    usedFrom: "read back",
    interOp: 0,
    executionMode: "sequential",
  });
  assert.equal(intraOpThreadsOf({ intraOpNumThreads: 4 }, 8, def).usedFrom, "requested");
});

function record(round: number, p50s: Record<string, number>, failure = false): TimingRecord {
  const latency = (p50: number) => ({
    samples: 10,
    mean: p50,
    sd: 0,
    min: p50,
    p50,
    p90: p50,
    p95: p50,
    p99: p50,
    max: p50,
    p50Ci95: [p50, p50] as [number, number],
    cv: 0,
  });
  const used = (name: string) => parseThreadVariant(name)?.threads ?? 1;
  return {
    group: "lenet|cpu",
    batch: 32,
    round,
    finishedAt: "2026-01-01T00:00:00.000Z",
    loadAverage1m: 0,
    variants: Object.entries(p50s).map(([name, p50]) => ({
      name,
      latency: latency(p50),
      sketch: [],
      sessionCreateMs: 1,
      threads: { requested: parseThreadVariant(name)?.threads ?? 0, logicalCpus: 2, spinning: false, used: used(name), usedFrom: "read back" as const },
    })),
    blocks: [],
    cycles: 5,
    variantErrors: [],
    ...(failure ? { failure: { error: "crashed", exitCode: 1, signal: null, stderrTail: "" } } : {}),
  };
}

test("the row is the fastest setting over its rounds (ORT's default on a tie or alone), recorded with ORT's default and the ladder", () => {
  const rounds = [
    record(1, { fp32: 1.42, "fp32@2t": 0.86, int8: 0.69, "int8@2t": 0.7 }),
    record(2, { fp32: 1.4, "fp32@2t": 0.9, int8: 0.68, "int8@2t": 0.66 }),
  ];
  assert.deepEqual(ladderVariants("fp32", ["int8@2t", "fp32@4t", "fp32", "fp32@2t", "int8"]), ["fp32", "fp32@2t", "fp32@4t"]);
  assert.equal(fastestThreadVariant(rounds, "fp32"), "fp32@2t");
  // int8: 0.685 at the default vs 0.68 at 2 threads on average
  assert.equal(fastestThreadVariant(rounds, "int8"), "int8@2t");
  assert.equal(fastestThreadVariant([record(1, { fp32: 1, "fp32@2t": 1 })], "fp32"), "fp32");
  assert.equal(fastestThreadVariant([record(1, { fp32: 1 }), record(2, {}, true)], "fp32"), "fp32");
  // a rung missing from one round that measured the default is not chosen
  assert.equal(fastestThreadVariant([record(1, { fp32: 1, "fp32@2t": 0.5 }), record(2, { fp32: 1 })], "fp32"), "fp32");
  assert.deepEqual(chosenThreads(rounds[0]!, "fp32", "fp32@2t"), {
    requested: 2,
    logicalCpus: 2,
    spinning: false,
    used: 2,
    usedFrom: "read back",
    ortDefault: 1,
    ladder: [1, 2],
  });
});
