/**
 * The thread check (`npm run profile`'s default on the CPU EP): for each model × EP × batch,
 * every precision's session at one intra-op thread against the same file at ONNX Runtime's
 * default (one thread per physical core), paired in one window, and which setting each
 * precision wants there, so the report says whether FP32 and INT8 want different settings.
 */
import { threadCheckSentences, threadsVerdict, wantedThreads, type Comparison } from "../profile/index.ts";
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, Column, ReportTable } from "./report-table.ts";

/** `1.22× [1.21–1.26]`. */
function speedupCell(c: Comparison): string {
  return `${c.speedup.toFixed(2)}× [${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}]`;
}

/** The thread-check table: one row per model × EP × batch, a speedup column per precision, what each wants and whether they agree. */
export function threadsTable(data: ReportData): ReportTable {
  const comparisons = data.results.comparisons.filter((c) => c.kind === "threads");
  const precisions = [...new Set(comparisons.map((c) => c.precision))];
  const keys = [...new Set(comparisons.map((c) => `${c.model}|${c.ep}|${c.batch}`))];
  const rows = keys.map((key): Record<string, Cell> => {
    const cs = comparisons.filter((c) => `${c.model}|${c.ep}|${c.batch}` === key);
    const first = cs[0]!;
    const wants = cs.map(wantedThreads);
    return {
      model: first.model,
      ep: first.ep,
      batch: first.batch,
      ...Object.fromEntries(precisions.map((p) => [`speedup:${p}`, ((c) => (c ? speedupCell(c) : null))(cs.find((c) => c.precision === p))])),
      wants: cs.map((c) => `${c.precision}: ${wantedThreads(c)}`).join(", "),
      verdict: threadsVerdict(wants),
    };
  });
  const threads = okRows(data.results.rows).find((r) => r.ep === "cpu" && r.threads)?.threads;
  const machine = threads ? `; this machine has ${threads.logicalCpus} logical CPUs` : "";
  const notes =
    comparisons.length === 0
      ? [
          data.results.settings.threadCheck === false
            ? "This run was made with --no-thread-check: profile again without it to time each precision at one intra-op thread beside ORT's default on the CPU EP."
            : data.results.settings.threadCheck === undefined
              ? "This run was made before the thread check existed: profile again (npm run profile) to time each precision at one intra-op thread beside ORT's default on the CPU EP."
              : "No thread check in this run: it runs on the CPU EP of a machine with more than one logical CPU (npm run profile -- --eps cpu).",
        ]
      : [
          ...threadCheckSentences(comparisons),
          `Each cell: the precision's session at one intra-op thread against the same file at ONNX Runtime's default (one thread per physical core${machine}), timed as interleaved pairs in the same window as the FP32-vs-INT8 comparison; > 1: one thread is faster. Wants: 1 thread when the 95% CI lies above 1, default when below, either when it covers 1. Same or different: whether the precisions of a model want the same setting there.`,
        ];
  const columns: Column[] = [
    { key: "model", header: "Model" },
    { key: "ep", header: "EP" },
    { key: "batch", header: "Batch", digits: 0 },
    ...precisions.map((p) => ({ key: `speedup:${p}`, header: `${p}: 1 thread vs default [95% CI]` })),
    { key: "wants", header: "Wants" },
    { key: "verdict", header: "Same or different" },
  ];
  return { id: "intra-op-threads", title: "Intra-op threads: one thread vs ORT's default", columns, rows, notes };
}
