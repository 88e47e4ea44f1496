/**
 * The thread check (`npm run profile`'s default on the CPU EP): for each model × EP × batch ×
 * precision, the file timed over the thread ladder (1, 2, 4, … up to the logical CPUs) beside
 * ORT's default in one paired window: each rung's speedup over the default (the scaling curve),
 * the fastest setting (the one the headline rows use) and whether a model's precisions want the same.
 */
import { fastestRung, ladderGroups, rungOf, threadCheckSentences, threadsVerdict, wantedThreads } from "./thread-check.ts";
import type { Comparison } from "../formats/run/results-schema.ts";
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, Column, ReportTable } from "./report-table.ts";
import { plot, type Plot } from "./chart-render.ts";

/** `1.22× [1.21–1.26]`. */
function speedupCell(c: Comparison): string {
  return `${c.speedup.toFixed(2)}× [${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}]`;
}

/** The thread-check table: one row per model × EP × batch × precision, a column per rung of the ladder, the fastest setting and what each precision wants. */
export function threadsTable(data: ReportData): ReportTable {
  const groups = [...ladderGroups(data.results.comparisons).values()];
  const rows0 = okRows(data.results.rows);
  const cpuThreads = rows0.find((r) => r.ep === "cpu" && r.threads)?.threads;
  const ortDefault = cpuThreads?.ortDefault;
  const rungs = [...new Set([...groups.flat().map(rungOf), ...(ortDefault !== undefined ? [ortDefault] : [])])].sort((a, b) => a - b);
  const rows = groups.map((cs): Record<string, Cell> => {
    const first = cs[0]!;
    const siblings = groups.filter((g) => g[0]!.model === first.model && g[0]!.ep === first.ep && g[0]!.batch === first.batch);
    const best = fastestRung(cs)!;
    const wants = wantedThreads(cs);
    return {
      model: first.model,
      ep: first.ep,
      batch: first.batch,
      precision: first.precision,
      ...Object.fromEntries(
        rungs.map((n) => [`rung:${n}`, ((c) => (c ? speedupCell(c) : n === ortDefault ? "1.00× (default)" : null))(cs.find((c) => rungOf(c) === n))]),
      ),
      wants,
      best: best.speedup > 1 ? `${rungOf(best)} threads: ${speedupCell(best)}` : "ORT's default",
      verdict: threadsVerdict(siblings.map(wantedThreads)),
    };
  });
  const machine = cpuThreads
    ? `; this machine has ${cpuThreads.logicalCpus} logical CPUs and ORT's default pool ${ortDefault === undefined ? "was not resolved (a run made before it was)" : `has ${ortDefault} thread(s)`}`
    : "";
  const notes =
    groups.length === 0
      ? [
          data.results.settings.threadCheck === false
            ? "This run was made with --no-thread-check: profile again without it to time each precision over the thread ladder beside ORT's default on the CPU EP."
            : data.results.settings.threadCheck === undefined
              ? "This run was made before the thread check existed: profile again (npm run profile) to time each precision over the thread ladder beside ORT's default on the CPU EP."
              : "No thread check in this run: it runs on the CPU EP of a machine with more than one logical CPU (npm run profile -- --eps cpu).",
        ]
      : [
          ...threadCheckSentences(data.results.comparisons),
          `Each cell: the precision's session at that many intra-op threads against the same file at ONNX Runtime's default${machine}, timed as interleaved pairs in the same window as the FP32-vs-INT8 comparison; > 1: that setting is faster than the default, and the row across is the scaling curve. The rung equal to ORT's default is the default itself, never timed twice. Wants: the fastest rung when its 95% CI lies above 1, default when every rung's lies below, either otherwise. The headline rows (the profile table) are each at their fastest setting (ORT's default when nothing is faster); their Threads field records the pool size used, ORT's default and the ladder.`,
        ];
  const columns: Column[] = [
    { key: "model", header: "Model" },
    { key: "ep", header: "EP" },
    { key: "batch", header: "Batch", digits: 0 },
    { key: "precision", header: "Precision" },
    ...rungs.map((n) => ({ key: `rung:${n}`, header: `${n} thread${n === 1 ? "" : "s"} vs default [95% CI]` })),
    { key: "best", header: "Fastest (the row's setting)" },
    { key: "wants", header: "Wants" },
    { key: "verdict", header: "Precisions: same or different" },
  ];
  return { id: "intra-op-threads", title: "Intra-op threads: the thread ladder vs ORT's default", columns, rows, notes };
}

/** The scaling curve's points: per model × precision × batch, each setting's speed over ORT's default (1 at the default's own pool size). */
export function threadScalingPoints(data: ReportData): { series: string; model: string; precision: string; batch: number; threads: number; speedup: number }[] {
  const ortDefault = okRows(data.results.rows).find((r) => r.ep === "cpu" && r.threads?.ortDefault !== undefined)?.threads?.ortDefault;
  return [...ladderGroups(data.results.comparisons).values()].flatMap((cs) => {
    const { model, precision, batch } = cs[0]!;
    const series = `${model} ${precision} b${batch}`;
    const points = cs.map((c) => ({ series, model, precision, batch, threads: rungOf(c), speedup: c.speedup }));
    const def =
      ortDefault !== undefined && !points.some((p) => p.threads === ortDefault) ? [{ series, model, precision, batch, threads: ortDefault, speedup: 1 }] : [];
    return [...points, ...def].sort((a, b) => a.threads - b.threads);
  });
}

/** The scaling curve as a plot (speed over ORT's default vs intra-op threads), or null for a run without the thread ladder. */
export async function threadScalingPlot(data: ReportData): Promise<Plot | null> {
  const values = threadScalingPoints(data);
  if (values.length === 0) return null;
  return plot("thread-scaling", "Intra-op threads: speed over ORT's default (CPU EP)", {
    width: 520,
    height: 300,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "threads",
        type: "quantitative",
        title: "Intra-op threads",
        scale: { type: "log", base: 2 },
        axis: { values: [...new Set(values.map((v) => v.threads))] },
      },
      y: { field: "speedup", type: "quantitative", title: "Speed over ORT's default (×, > 1: faster)" },
      color: { field: "model", type: "nominal", title: "Model" },
      strokeDash: { field: "precision", type: "nominal", title: "Precision" },
      shape: { field: "batch", type: "nominal", title: "Batch" },
      detail: { field: "series", type: "nominal" },
      tooltip: [{ field: "series" }, { field: "threads" }, { field: "speedup", format: ".2f" }],
    },
  });
}
