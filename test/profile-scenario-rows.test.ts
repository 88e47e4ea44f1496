/**
 * Load scenarios in the run directory, without children: the planner adds a scenario child
 * per model × EP after the rounds, a child's messages become `scenarios.jsonl` records, the
 * records become `results.json` scenario rows and terminal lines; version-2 results load as
 * version 3; a bound without the server scenario is refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pendingTasks } from "../profile/run-tasks.ts";
import { buildScenarioRows, scenarioRecords } from "../profile/scenario-records.ts";
import { scenarioLines } from "../reports/terminal/scenario-lines.ts";
import { scenarioSettings } from "../profile/scenario-settings.ts";
import { resolveProfileOptions, QUICK_MEASURE } from "../formats/options/profile-options.ts";
import { RunResultsSchema, upgradeResults } from "../formats/run/results-schema.ts";
import type { ScenarioBatchResult, ScenarioRecord } from "../formats/run/scenario-schema.ts";
import type { ChildExit } from "../profile/run-child.ts";
import { decideJobs } from "../formats/run/run-plan.ts";
import { AT, measuredFacts, planJob, testPlan } from "./fixtures/run-records.ts";
import { runResults } from "./report-fixtures.ts";

const plan = { ...testPlan([planJob("a", "fp32"), planJob("a", "int8")]), settings: { rounds: 1, scenario: "offline" as const } };
const allFacts = new Map(["a|fp32|cpu|1", "a|fp32|cpu|32", "a|int8|cpu|1", "a|int8|cpu|32"].map((k) => [k, measuredFacts(k)]));
const settings = scenarioSettings(QUICK_MEASURE, "cpu", undefined);
const exitOk: ChildExit = { exitCode: 0, signal: null, timedOut: false, stopped: false, completed: true, stderrTail: "" };

const point = (inFlight: number, requestsPerS: number, batch = 1) => ({
  inFlight,
  requests: 100,
  requestsPerS,
  imagesPerS: requestsPerS * batch,
  p50Ms: 1,
  p99Ms: 2,
});
const offline: ScenarioBatchResult = {
  scenario: "offline",
  variants: [
    { name: "fp32", mode: "requests", points: [point(1, 1000), point(2, 1020)], bestInFlight: 1, bestImagesPerS: 1000, intraOpThreads: 0 },
    {
      name: "int8",
      mode: "requests",
      points: [point(1, 1500), point(2, 1510)],
      bestInFlight: 1,
      bestImagesPerS: 1500,
      intraOpThreads: 0,
      vsFp32: { speedup: 1.5, ci95: [1.4, 1.6], pairs: 4, verdict: "faster", inFlight: 1 },
    },
    {
      name: "fp32",
      mode: "sessions",
      points: [point(1, 1000), { ...point(2, 1900), gainOverHalf: { speedup: 1.9, ci95: [1.8, 2], pairs: 5, verdict: "faster" } }, point(4, 1950)],
      bestInFlight: 2,
      bestImagesPerS: 1900,
      intraOpThreads: 0,
    },
  ],
  errors: [{ name: "int8", error: "worker crashed" }],
};

describe("planning scenario children", () => {
  it("adds one offline child per model x EP after the rounds, for the batches without a record", () => {
    const tasks = pendingTasks(plan, allFacts, new Map(), 1);
    assert.deepEqual(
      tasks.map((t) => `${t.kind} ${t.kind === "facts" ? t.job.precision : t.jobs.map((j) => j.precision).join("+")} @${t.batches.join(",")}`),
      ["timing fp32+int8 @1,32", "scenario fp32+int8 @1,32"],
    );
    const done: ScenarioRecord = { group: "a|cpu", batch: 1, scenario: "offline", finishedAt: AT, result: offline };
    const left = pendingTasks(plan, allFacts, new Map(), 1, new Map([["a|cpu|1|offline", done]]));
    assert.deepEqual(
      left.filter((t) => t.kind === "scenario").map((t) => t.batches),
      [[32]],
    );
  });

  it("adds none for single-stream, and none for a batch whose facts failed", () => {
    assert.equal(
      pendingTasks({ ...plan, settings: { rounds: 1 } }, allFacts, new Map(), 1).some((t) => t.kind === "scenario"),
      false,
    );
    const facts = new Map(allFacts);
    for (const k of ["a|fp32|cpu|32", "a|int8|cpu|32"])
      facts.set(k, { key: k, state: "errored", finishedAt: AT, error: "x", exitCode: 1, signal: null, stderrTail: "" });
    assert.deepEqual(
      pendingTasks(plan, facts, new Map(), 1)
        .filter((t) => t.kind === "scenario")
        .map((t) => t.batches),
      [[1]],
    );
  });
});

describe("scenario records and rows", () => {
  it("records every batch: measured, errored by the child, or missing with how the child ended", () => {
    const head = { group: "a|cpu", scenario: "offline" as const, finishedAt: AT, settings };
    const crashed = { ...exitOk, exitCode: 1, completed: false, stderrTail: "Error: boom" };
    const records = scenarioRecords(
      head,
      [1, 8, 32],
      [
        { type: "scenario-batch", batch: 1, result: offline },
        { type: "batch-error", batch: 8, message: "bad shape" },
      ],
      crashed,
      1000,
    );
    assert.deepEqual(
      records.map((r) => [r.batch, r.result ? "measured" : `${r.failure?.state}: ${r.failure?.reason}`]),
      [
        [1, "measured"],
        [8, "errored: bad shape"],
        [32, "errored: child process exited with code 1: Error: boom"],
      ],
    );
    assert.deepEqual(scenarioRecords(head, [1], [], { ...exitOk, stopped: true }, 1000), []);
  });

  it("builds one row per precision and mode, a precision the child could not open as errored, and one line each", () => {
    const rows = buildScenarioRows(plan, new Map([["a|cpu|1|offline", { group: "a|cpu", batch: 1, scenario: "offline", finishedAt: AT, result: offline }]]));
    assert.deepEqual(
      rows.map((r) => [r.key, r.state]),
      [
        ["a|fp32|cpu|1|offline|requests", "ok"],
        ["a|fp32|cpu|1|offline|sessions", "ok"],
        ["a|int8|cpu|1|offline", "errored"],
      ],
    );
    assert.deepEqual(scenarioLines(rows), [
      "offline a fp32 cpu b1 requests: img/s by in-flight 1:1,000 2:1,020; best 1 in flight 1,000 img/s (1.00x one)",
      "offline a fp32 cpu b1 sessions: img/s by in-flight 1:1,000 2:1,900 4:1,950; best 2 in flight 1,900 img/s (1.90x one); 2 vs 1 in flight 1.90x [1.80-2.00] faster",
      "offline a int8 cpu b1: errored (worker crashed)",
    ]);
  });

  it("keeps a precision's requests-mode row when its sessions mode failed (an EP whose sessions cannot live in worker threads)", () => {
    const result: ScenarioBatchResult = {
      ...offline,
      variants: offline.variants.slice(0, 1),
      errors: [{ name: "fp32", mode: "sessions", error: "no adapter in a worker" }],
    };
    const rows = buildScenarioRows(
      decideJobs({ ...plan, jobs: [planJob("a", "fp32")] }),
      new Map([["a|cpu|1|offline", { group: "a|cpu", batch: 1, scenario: "offline", finishedAt: AT, result }]]),
    );
    assert.deepEqual(
      rows.map((r) => [r.key, r.state, r.state === "ok" ? "" : r.reason]),
      [
        ["a|fp32|cpu|1|offline|requests", "ok", ""],
        ["a|fp32|cpu|1|offline|sessions", "errored", "sessions: no adapter in a worker"],
      ],
    );
  });

  it("writes a server row's line with its early-stopping p99 at the highest passing rate", () => {
    const server: ScenarioBatchResult = {
      scenario: "server",
      variants: [
        {
          name: "fp32",
          latencyBoundMs: 15,
          trials: [
            {
              ratePerS: 400,
              queries: 1000,
              p50Ms: 1,
              p90Ms: 2,
              p99Ms: 4,
              earlyStoppingP90Ms: 2.1,
              earlyStoppingP99Ms: 4.5,
              overBound: 0,
              neededQueries: 299,
              passes: true,
            },
            {
              ratePerS: 800,
              queries: 1000,
              p50Ms: 9,
              p90Ms: 30,
              p99Ms: 60,
              earlyStoppingP90Ms: 31,
              earlyStoppingP99Ms: 61,
              overBound: 300,
              neededQueries: 30000,
              passes: false,
            },
          ],
          maxRatePerS: 400,
          maxImagesPerS: 12800,
          converged: false,
        },
      ],
      errors: [],
    };
    const serverPlan = decideJobs({ ...plan, jobs: [planJob("a", "fp32", "cpu", { batches: [32] })], settings: { rounds: 1, scenario: "server" as const } });
    const rows = buildScenarioRows(
      serverPlan,
      new Map([["a|cpu|32|server", { group: "a|cpu", batch: 32, scenario: "server", finishedAt: AT, result: server, settings }]]),
    );
    assert.deepEqual(scenarioLines(rows), [
      "server a fp32 cpu b32: max 400 req/s (12,800 img/s) with p99 <= 15 ms; there p50 1.00, p99 4.00, early-stopping p99 4.50 ms over 1000 queries (search not converged)",
    ]);
    const none = {
      ...server,
      variants: [{ ...server.variants[0]!, maxRatePerS: 0, maxImagesPerS: 0, trials: server.variants[0]!.trials.slice(1) }],
    } as ScenarioBatchResult;
    const noneRows = buildScenarioRows(
      serverPlan,
      new Map([["a|cpu|32|server", { group: "a|cpu", batch: 32, scenario: "server", finishedAt: AT, result: none, settings }]]),
    );
    assert.deepEqual(scenarioLines(noneRows), ["server a fp32 cpu b32: no rate tried (800..800 req/s) kept p99 <= 15 ms"]);
  });
});

describe("results.json version 3", () => {
  it("loads a version-2 file with no scenario rows", () => {
    const v2 = { ...runResults([]), schemaVersion: 2, scenarios: undefined };
    const parsed = RunResultsSchema.parse(upgradeResults(v2));
    assert.deepEqual([parsed.schemaVersion, parsed.upgradedFrom, parsed.scenarios], [3, 2, []]);
    assert.equal(RunResultsSchema.safeParse(v2).success, false);
  });
});

describe("scenario options", () => {
  it("refuses --latency-bound without the server scenario, and an unknown scenario, naming the valid ones", () => {
    assert.throws(() => resolveProfileOptions({ latencyBoundMs: 5, log: () => undefined }), {
      message: '--latency-bound 5 applies to the server scenario only; add --scenario server (the scenario is "single-stream")',
    });
    assert.throws(() => resolveProfileOptions({ scenario: "bogus" as "server" }), /Unknown scenario "bogus". Expected one of: single-stream, offline, server/);
  });

  it("takes the EP's default bound (cpu 15 ms, webgpu 100 ms, others 100 ms) unless one is given; sweeps the CPU EP to 4x its logical CPUs", () => {
    assert.deepEqual(
      [
        scenarioSettings(QUICK_MEASURE, "cpu", undefined),
        scenarioSettings(QUICK_MEASURE, "webgpu", undefined),
        scenarioSettings(QUICK_MEASURE, "x", undefined),
        scenarioSettings(QUICK_MEASURE, "cpu", 3),
      ].map((s) => s.latencyBoundMs),
      [15, 100, 100, 3],
    );
    assert.equal(settings.minQueries, 946);
    assert.deepEqual(
      [
        scenarioSettings(QUICK_MEASURE, "cpu", undefined, 2).maxInFlight,
        scenarioSettings(QUICK_MEASURE, "cpu", undefined, 32).maxInFlight,
        scenarioSettings(QUICK_MEASURE, "cuda", undefined, 2).maxInFlight,
      ],
      [8, 64, 64],
    );
  });
});
