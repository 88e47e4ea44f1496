/**
 * Rows on a software GPU adapter are measured lighter: one timing round, a 1 s accuracy
 * slice, a 3-run per-op pass, and a warning on every row (pure planner and row builder,
 * no children).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latencySketch, summarizeLatency } from "../measure/index.ts";
import { buildRows } from "../profile/build-rows.ts";
import { DEFAULT_MEASURE } from "../formats/options/profile-options.ts";
import type { FactsRecord, TimingRecord } from "../formats/run/run-records.ts";
import { timingKey } from "../formats/run/run-records.ts";
import { pendingTasks } from "../profile/run-tasks.ts";
import { roundsOn, softwareAdapterFacts } from "../profile/software-adapter.ts";
import { readPlan, softwareAdapterOn, writePlan, type RunPlan, type StoredPlannedJob } from "../formats/run/run-plan.ts";
import { AT, measuredFacts, planJob, testPlan } from "./fixtures/run-records.ts";

const EPS: RunPlan["eps"] = [
  { name: "cpu", state: "available", facts: {} },
  { name: "webgpu", state: "available", facts: { vendor: "Google", architecture: "swiftshader (CPU)", softwareFallback: "yes" } },
  { name: "browser-webgpu", state: "available", facts: { adapterVendor: "nvidia", adapterArchitecture: "hopper", softwareFallback: "no" } },
];
const job = (ep: string): StoredPlannedJob => planJob("m", "fp32", ep, { onnxPath: "/m.onnx", batches: [1] });
const plan: RunPlan = testPlan([job("cpu"), job("webgpu"), job("browser-webgpu")], EPS);
const facts = (key: string): FactsRecord => measuredFacts(key, { accuracy: null });
const round = (group: string, r: number): TimingRecord => ({
  group,
  batch: 1,
  round: r,
  finishedAt: AT,
  loadAverage1m: 0.5,
  speedProbeMs: 1,
  variants: [{ name: "fp32", latency: summarizeLatency([1, 1, 1]), sketch: latencySketch([1, 1, 1]), sessionCreateMs: 5 }],
  blocks: [{ cycle: 0, variant: "fp32", runs: 3, medianMs: 1 }],
  cycles: 1,
  variantErrors: [],
});

describe("software adapters", () => {
  it("are told by the probe's softwareFallback fact, decided once per job", () => {
    assert.deepEqual(
      plan.jobs.map((j) => [softwareAdapterOn(EPS, j.ep), j.softwareAdapter, roundsOn(j, 2)]),
      [
        [false, false, 2],
        [true, true, 1],
        [false, false, 2],
      ],
    );
  });
  it("a plan's recorded softwareAdapter is read back; a plan made before it was recorded gets it from its probes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "software-adapter-"));
    try {
      const stored = { ...plan, jobs: plan.jobs.map(({ softwareAdapter: _, ...j }) => j) };
      await writePlan(dir, stored as RunPlan);
      assert.deepEqual(
        (await readPlan(dir)).jobs.map((j) => j.softwareAdapter),
        [false, true, false],
      );
      // Recorded wins over the probes (the plan decided it when it was built).
      await writePlan(dir, { ...plan, jobs: plan.jobs.map((j) => ({ ...j, softwareAdapter: j.ep === "cpu" })) });
      assert.deepEqual(
        (await readPlan(dir)).jobs.map((j) => j.softwareAdapter),
        [true, false, false],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it("get one timing round while the others get the run's two", () => {
    const tasks = pendingTasks(plan, new Map(), new Map(), 2)
      .filter((t) => t.kind === "timing")
      .map((t) => (t.kind === "timing" ? `${t.group} r${t.round}` : ""));
    assert.deepEqual(tasks, ["m|cpu r1", "m|webgpu r1", "m|browser-webgpu r1", "m|cpu r2", "m|browser-webgpu r2"]);
  });
  it("facts children take a 1 s accuracy slice and 3 per-op runs, never more than asked", () => {
    const s = softwareAdapterFacts(DEFAULT_MEASURE);
    assert.deepEqual([s.accuracyBudgetMs, s.profileIterations, s.rowBudgetMs], [1000, 3, DEFAULT_MEASURE.rowBudgetMs]);
    assert.deepEqual(
      [
        softwareAdapterFacts({ ...DEFAULT_MEASURE, accuracyBudgetMs: 200, profileIterations: 0 }).accuracyBudgetMs,
        softwareAdapterFacts({ ...DEFAULT_MEASURE, profileIterations: 0 }).profileIterations,
      ],
      [200, 0],
    );
  });
  it("rows complete with one round and say why they were measured lighter", () => {
    const f = new Map(plan.jobs.map((j) => [`m|fp32|${j.ep}|1`, facts(`m|fp32|${j.ep}|1`)]));
    const t = new Map(
      [round("m|cpu", 1), round("m|cpu", 2), round("m|webgpu", 1), round("m|browser-webgpu", 1), round("m|browser-webgpu", 2)].map((x) => [timingKey(x), x]),
    );
    const built = buildRows({ plan, facts: f, timings: t, rounds: 2, cvThreshold: 0.1 });
    assert.equal(built.complete, true);
    const warned = built.rows.map((r) => [r.key, r.state === "ok" ? r.warnings.map((w) => w.text) : []]);
    assert.deepEqual(warned, [
      ["m|fp32|cpu|1", []],
      [
        "m|fp32|webgpu|1",
        [
          "webgpu ran on a software adapter (Google swiftshader (CPU): the GPU emulated on the CPU), so its times are the CPU's: measured lighter (1 timing round of 2, accuracy on a 1 s slice, per-op pass of 3 runs)",
        ],
      ],
      ["m|fp32|browser-webgpu|1", []],
    ]);
  });
});
