/**
 * The report's load-scenario section (`--scenario offline|server`): tables of the offline
 * sweep and the server search, throughput vs requests in flight, and latency vs offered
 * rate with the bound.
 */
import type { ScenarioRow } from "../formats/run/scenario-schema.ts";
import { plot, spansDecades, type Plot } from "./chart-render.ts";
import type { ReportSection } from "./report-document.ts";
import type { ReportTable } from "./report-table.ts";

type Offline = Extract<ScenarioRow, { state: "ok"; scenario: "offline" }>;
type Server = Extract<ScenarioRow, { state: "ok"; scenario: "server" }>;

const W = 260;
const panel = (r: ScenarioRow) => `${r.model} b${r.batch} · ${r.ep}`;

function offlineTable(rows: readonly Offline[]): ReportTable {
  return {
    id: "offline-scenario",
    title: "Offline: throughput by requests in flight",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "mode", header: "In flight as" },
      { key: "one", header: "1 in flight", unit: "img/s", digits: 0 },
      { key: "best", header: "Saturation point", unit: "in flight", digits: 0 },
      { key: "bestRate", header: "There", unit: "img/s", digits: 0 },
      { key: "gain", header: "Gain over one", unit: "×", digits: 2 },
      { key: "two", header: "2 vs 1 in flight, paired (95% CI)" },
      { key: "vsFp32", header: "vs FP32", unit: "×", digits: 2 },
      { key: "ci", header: "vs FP32 95% CI" },
      { key: "load", header: "Load average", unit: "1 min", digits: 1 },
    ],
    rows: rows.map((r) => ({
      model: r.model,
      precision: r.precision,
      ep: r.ep,
      batch: r.batch,
      mode: r.mode === "requests" ? "concurrent runs, one session" : "one session per worker",
      one: r.points[0]?.imagesPerS ?? null,
      best: r.bestInFlight,
      bestRate: r.bestImagesPerS,
      gain: r.points[0] ? r.bestImagesPerS / r.points[0].imagesPerS : null,
      two: r.points[1]?.gainOverHalf
        ? `${r.points[1].gainOverHalf.speedup.toFixed(2)}× [${r.points[1].gainOverHalf.ci95[0].toFixed(2)}–${r.points[1].gainOverHalf.ci95[1].toFixed(2)}] ${r.points[1].gainOverHalf.verdict}`
        : null,
      vsFp32: r.vsFp32?.speedup ?? null,
      ci: r.vsFp32 ? `${r.vsFp32.ci95[0].toFixed(2)}–${r.vsFp32.ci95[1].toFixed(2)} (${r.vsFp32.pairs} pairs, ${r.vsFp32.verdict})` : null,
      load: r.loadAverage1m ?? null,
    })),
    notes: [
      "Requests in flight doubled from 1 until no precision's throughput rose by more than 5%; the saturation point is the fewest in flight within 5% of the best.",
      "2 vs 1 in flight: throughput at 2 over throughput at 1, both measured in the same cycles of interleaved blocks (each doubling is measured so), median of per-cycle ratios with a bootstrap 95% CI.",
      "Concurrent runs on one session: onnxruntime-node runs each run on the calling thread, so they take turns (any gain is overlap of JavaScript work); " +
        "one session per worker: each worker thread holds its own session and runs one request at a time.",
      "vs FP32: the precision's throughput over FP32's at FP32's saturation point, from interleaved blocks (A B B A), median of per-cycle ratios with a bootstrap 95% CI.",
      "On a shared machine (load average above the core count) more requests in flight also take a larger share of the contended cores: read the gain over one with the load.",
    ],
  };
}

function serverTable(rows: readonly Server[]): ReportTable {
  return {
    id: "server-scenario",
    title: "Server: highest rate with p99 under the bound",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "bound", header: "p99 bound", unit: "ms", digits: 1 },
      { key: "rate", header: "Max rate", unit: "req/s", digits: 0 },
      { key: "images", header: "Max rate", unit: "img/s", digits: 0 },
      { key: "p99", header: "p99 there", unit: "ms", digits: 3 },
      { key: "esP99", header: "Early-stopping p99 there", unit: "ms", digits: 3 },
      { key: "queries", header: "Queries there", digits: 0 },
      { key: "trials", header: "Rates tried", digits: 0 },
      { key: "converged", header: "Search converged" },
    ],
    rows: rows.map((r) => {
      const at = r.trials.find((t) => t.passes && t.ratePerS === r.maxRatePerS);
      return {
        model: r.model,
        precision: r.precision,
        ep: r.ep,
        batch: r.batch,
        bound: r.latencyBoundMs,
        rate: r.maxRatePerS,
        images: r.maxImagesPerS,
        p99: at?.p99Ms ?? null,
        esP99: at?.earlyStoppingP99Ms ?? null,
        queries: at?.queries ?? null,
        trials: r.trials.length,
        converged: r.converged ? "yes" : "no",
      };
    }),
    notes: [
      "Poisson arrivals on one session; latency from each request's scheduled arrival to its completion, so queueing counts.",
      "A rate passes when the run holds at least h(t) + t queries with t over the bound (MLPerf loadgen's early-stopping rule for p99 at 95% confidence); " +
        "the search doubles or halves from half the rate one session serves back to back, then bisects to 5%.",
    ],
  };
}

async function inFlightPlot(rows: readonly Offline[]): Promise<Plot | null> {
  const data = rows.flatMap((r) =>
    r.points.map((p) => ({
      panel: panel(r),
      precision: r.precision,
      mode: r.mode,
      series: `${r.precision} ${r.mode}`,
      inFlight: p.inFlight,
      imagesPerS: p.imagesPerS,
    })),
  );
  if (data.length === 0) return null;
  const log = spansDecades(data.map((d) => d.imagesPerS));
  return plot("throughput-vs-in-flight", "Offline: throughput vs requests in flight", {
    data: { values: data },
    facet: { column: { field: "panel", type: "nominal", title: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: W,
      height: 220,
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field: "inFlight",
          type: "quantitative",
          title: "Requests in flight",
          scale: { type: "log", base: 2 },
          axis: { values: [...new Set(data.map((d) => d.inFlight))].sort((a, b) => a - b), format: "d" },
        },
        y: {
          field: "imagesPerS",
          type: "quantitative",
          title: "Throughput (images/s)" + (log ? " — log scale" : ""),
          ...(log ? { scale: { type: "log" } } : {}),
        },
        color: { field: "precision", type: "nominal", title: "Precision" },
        strokeDash: { field: "mode", type: "nominal", title: "In flight as", legend: { symbolType: "stroke", symbolStrokeWidth: 2 } },
        detail: { field: "series", type: "nominal" },
        tooltip: [{ field: "series" }, { field: "inFlight" }, { field: "imagesPerS", format: ",.0f" }],
      },
    },
  });
}

async function ratePlot(rows: readonly Server[]): Promise<Plot | null> {
  const data = rows.flatMap((r) =>
    r.trials.map((t) => ({
      panel: panel(r),
      precision: r.precision,
      ratePerS: t.ratePerS,
      p99Ms: t.p99Ms,
      bound: r.latencyBoundMs,
      passes: t.passes ? "passes" : "fails",
    })),
  );
  if (data.length === 0) return null;
  return plot("latency-vs-rate", "Server: p99 latency vs offered rate, with the bound (dashed)", {
    data: { values: data },
    facet: { column: { field: "panel", type: "nominal", title: null } },
    resolve: { scale: { y: "independent", x: "independent" } },
    spec: {
      width: W,
      height: 220,
      layer: [
        {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "ratePerS", type: "quantitative", title: "Offered rate (requests/s)", sort: "ascending" },
            y: { field: "p99Ms", type: "quantitative", title: "p99 latency from arrival (ms) — log scale", scale: { type: "log" } },
            color: { field: "precision", type: "nominal", title: "Precision" },
            shape: { field: "passes", type: "nominal", title: "Early stopping" },
            order: { field: "ratePerS" },
            tooltip: [{ field: "precision" }, { field: "ratePerS", format: ",.0f" }, { field: "p99Ms", format: ".3f" }, { field: "passes" }],
          },
        },
        { mark: { type: "rule", strokeDash: [5, 4], color: "#333" }, encoding: { y: { aggregate: "max", field: "bound", type: "quantitative" } } },
      ],
    },
  });
}

/** The load-scenario section, or null when the run has no scenario rows. */
export async function scenarioSection(scenarios: readonly ScenarioRow[] | undefined): Promise<ReportSection | null> {
  if (!scenarios || scenarios.length === 0) return null;
  const offline = scenarios.filter((r): r is Offline => r.state === "ok" && r.scenario === "offline");
  const server = scenarios.filter((r): r is Server => r.state === "ok" && r.scenario === "server");
  const failed = scenarios.filter((r) => r.state !== "ok");
  const plots = (await Promise.all([inFlightPlot(offline), ratePlot(server)])).filter((p): p is Plot => p !== null);
  return {
    id: "scenarios",
    title: "Load scenarios",
    intro: failed.map((r) => `${r.scenario} ${r.model} ${r.precision} ${r.ep} batch ${r.batch}: ${r.state} (${r.reason})`),
    tables: [...(offline.length > 0 ? [offlineTable(offline)] : []), ...(server.length > 0 ? [serverTable(server)] : [])],
    plots,
    images: [],
  };
}
