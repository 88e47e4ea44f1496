/**
 * Per-EP plots: throughput vs batch size, latency distributions (box from the row's
 * percentiles) and the FP32 → INT8 speedup.
 */
import type { Comparison, OkRow } from "../formats/run/results-schema.ts";
import { plot, spansDecades, type Plot } from "./chart-render.ts";

const W = 520;

/** Throughput vs batch size, one line per model × precision, one colour per EP. */
async function throughputPlot(rows: readonly OkRow[]): Promise<Plot | null> {
  const batches = new Set(rows.map((r) => r.batch));
  if (batches.size < 2) return null;
  const data = rows.map((r) => ({
    series: `${r.model} ${r.precision} · ${r.ep}`,
    model: r.model,
    precision: r.precision,
    ep: r.ep,
    batch: r.batch,
    throughput: r.throughput,
  }));
  const log = spansDecades(data.map((d) => d.throughput));
  return plot("throughput-vs-batch", "Throughput vs batch size per EP", {
    width: W,
    height: 320,
    data: { values: data },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "batch",
        type: "quantitative",
        title: "Batch size (images)",
        scale: { type: "log", base: 2 },
        axis: { values: [...batches].sort((a, b) => a - b) },
      },
      y: {
        field: "throughput",
        type: "quantitative",
        title: "Throughput (images/s)" + (log ? " — log scale" : ""),
        ...(log ? { scale: { type: "log" } } : {}),
      },
      color: { field: "ep", type: "nominal", title: "EP" },
      strokeDash: { field: "precision", type: "nominal", title: "Precision" },
      detail: { field: "series", type: "nominal" },
      tooltip: [{ field: "series" }, { field: "batch" }, { field: "throughput", format: ",.0f" }],
    },
  });
}

/** Latency distribution of every row: whisker min–max, box p50–p95, tick at p99. */
async function latencyPlot(rows: readonly OkRow[]): Promise<Plot | null> {
  if (rows.length === 0) return null;
  const data = rows.map((r) => ({
    row: `${r.model} ${r.precision} b${r.batch}`,
    ep: r.ep,
    min: r.latency.min,
    p50: r.latency.p50,
    p95: r.latency.p95,
    p99: r.latency.p99,
    max: r.latency.max,
  }));
  const log = spansDecades([...data.map((d) => d.min), ...data.map((d) => d.max)], 1);
  const x = {
    type: "quantitative" as const,
    title: "Latency per session.run (ms)" + (log ? " — log scale" : ""),
    ...(log ? { scale: { type: "log" as const } } : {}),
  };
  return plot("latency-distribution", "Latency distribution per EP (whisker min–max, box p50–p95, tick p99)", {
    data: { values: data },
    facet: { row: { field: "ep", type: "nominal", title: "EP", header: { labelAngle: 0, labelAlign: "left" } } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: W,
      height: { step: 18 },
      encoding: { y: { field: "row", type: "nominal", title: "Model, precision, batch", sort: null } },
      layer: [
        { mark: { type: "rule", color: "#888" }, encoding: { x: { field: "min", ...x }, x2: { field: "max" } } },
        { mark: { type: "bar", size: 12, color: "#4c78a8" }, encoding: { x: { field: "p50", ...x }, x2: { field: "p95" } } },
        { mark: { type: "tick", color: "#e45756", thickness: 2, size: 14 }, encoding: { x: { field: "p99", ...x } } },
        { mark: { type: "tick", color: "white", thickness: 2, size: 12 }, encoding: { x: { field: "p50", ...x } } },
      ],
    },
  });
}

/** The paired FP32 → INT8 speedup per model and batch, grouped by EP, with its 95% CI as a whisker. */
async function speedupPlot(rows: readonly OkRow[], comparisons: readonly Comparison[]): Promise<Plot | null> {
  const data = rows
    .filter((r) => r.precision === "int8")
    .flatMap((q) => {
      const f = rows.find((r) => r.model === q.model && r.precision === "fp32" && r.ep === q.ep && r.batch === q.batch);
      if (!f) return [];
      const c = comparisons.find((x) => x.kind === "precision" && x.model === q.model && x.ep === q.ep && x.batch === q.batch && x.variant === "int8");
      const speedup = c?.speedup ?? f.latency.p50 / q.latency.p50;
      return [{ label: `${q.model} b${q.batch}`, ep: q.ep, speedup, lo: c?.ci95[0] ?? speedup, hi: c?.ci95[1] ?? speedup }];
    });
  if (data.length === 0) return null;
  const enc = { y: { field: "label", type: "nominal", title: "Model, batch" }, yOffset: { field: "ep", type: "nominal" } };
  return plot("int8-speedup", "FP32 → INT8 speedup per EP with its 95% CI (> 1: INT8 faster)", {
    data: { values: data },
    width: W,
    height: { step: 16 },
    layer: [
      {
        mark: { type: "bar", opacity: 0.8 },
        encoding: {
          ...enc,
          x: { field: "speedup", type: "quantitative", title: "Speedup (FP32 time ÷ INT8 time, paired, ×)" },
          color: { field: "ep", type: "nominal", title: "EP" },
        },
      },
      { mark: { type: "rule", color: "#222", strokeWidth: 1.5 }, encoding: { ...enc, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
      { mark: { type: "rule", color: "#333", strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
    ],
  });
}

/** The per-EP plots the run has data for. */
export async function epPlots(rows: readonly OkRow[], comparisons: readonly Comparison[] = []): Promise<Plot[]> {
  const plots = await Promise.all([throughputPlot(rows), latencyPlot(rows), speedupPlot(rows, comparisons)]);
  return plots.filter((p): p is Plot => p !== null);
}
