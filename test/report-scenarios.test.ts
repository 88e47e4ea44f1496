/** The report's load-scenario section: its tables' figures and its two plots, from hand-made scenario rows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scenarioSection } from "../reports/scenario-section.ts";
import type { ScenarioRow } from "../formats/run/scenario-schema.ts";

const head = { model: "lenet", ep: "cpu", batch: 32, finishedAt: "2026-01-01T00:00:00.000Z" };
const point = (inFlight: number, imagesPerS: number) => ({ inFlight, requests: 100, requestsPerS: imagesPerS / 32, imagesPerS, p50Ms: 1, p99Ms: 2 });
const rows: ScenarioRow[] = [
  {
    ...head,
    precision: "fp32",
    key: "lenet|fp32|cpu|32|offline|sessions",
    state: "ok",
    scenario: "offline",
    mode: "sessions",
    points: [point(1, 10000), point(2, 19000), point(4, 19500)],
    bestInFlight: 2,
    bestImagesPerS: 19000,
    intraOpThreads: 0,
  },
  {
    ...head,
    precision: "int8",
    key: "lenet|int8|cpu|32|server",
    state: "ok",
    scenario: "server",
    latencyBoundMs: 15,
    trials: [
      {
        ratePerS: 400,
        queries: 946,
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
        queries: 946,
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
    percentile: 0.99,
    confidence: 0.95,
  },
  { ...head, precision: "int8", key: "lenet|int8|cpu|32|offline", state: "errored", scenario: "offline", reason: "worker crashed" },
];

describe("scenarioSection", () => {
  it("is absent from a run without scenario rows (versions 1 and 2, or single-stream)", async () => {
    assert.equal(await scenarioSection(undefined), null);
    assert.equal(await scenarioSection([]), null);
  });

  it("tables the offline sweep and the server search, says which rows failed, and draws both plots", async () => {
    const s = (await scenarioSection(rows))!;
    assert.deepEqual(s.intro, ["offline lenet int8 cpu batch 32: errored (worker crashed)"]);
    assert.deepEqual(
      s.tables.map((t) => t.id),
      ["offline-scenario", "server-scenario"],
    );
    const [offline, server] = s.tables;
    assert.deepEqual([offline!.rows[0]!.one, offline!.rows[0]!.best, offline!.rows[0]!.gain], [10000, 2, 1.9]);
    assert.deepEqual([server!.rows[0]!.rate, server!.rows[0]!.images, server!.rows[0]!.esP99, server!.rows[0]!.converged], [400, 12800, 4.5, "no"]);
    assert.deepEqual(
      s.plots.map((p) => p.id),
      ["throughput-vs-in-flight", "latency-vs-rate"],
    );
    assert.match(s.plots[0]!.svg, /Requests in flight/);
    assert.match(s.plots[1]!.svg, /Offered rate/);
  });
});
