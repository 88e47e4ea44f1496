/**
 * The thread check (`npm run profile`'s default on the CPU EP): for each model × EP × batch,
 * every precision's session at one intra-op thread against the same file at ONNX Runtime's
 * default (one thread per physical core), paired in one window, and which setting each
 * precision wants there, so the report says whether FP32 and INT8 want different settings.
 */
import type { Comparison } from "../profile/index.ts";
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, Column, ReportTable } from "./report-table.ts";

/** What one thread-check comparison says a precision wants: `1 thread`, `default` or `either` (the interval covers 1). */
export function wantedThreads(c: Pick<Comparison, "verdict">): string {
  return c.verdict === "faster" ? "1 thread" : c.verdict === "slower" ? "default" : "either";
}

/** `same: 1 thread` when every precision wants one setting, `different` when two want opposite ones, else `not clear`. */
export function threadsVerdict(wants: readonly string[]): string {
  const definite = new Set(wants.filter((w) => w !== "either"));
  if (definite.size > 1) return "different";
  const [only] = [...definite];
  return only !== undefined && !wants.includes("either") ? `same: ${only}` : "not clear";
}

/** `1.22× [1.21–1.26]`. */
function speedupCell(c: Comparison): string {
  return `${c.speedup.toFixed(2)}× [${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}]`;
}

/** One sentence per batch size: what each precision wants over the run's models, and whether they agree. */
function batchSentences(comparisons: readonly Comparison[]): string[] {
  const batches = [...new Set(comparisons.map((c) => c.batch))].sort((a, b) => a - b);
  return batches.map((batch) => {
    const at = comparisons.filter((c) => c.batch === batch);
    const precisions = [...new Set(at.map((c) => c.precision))];
    const parts = precisions.map((p) => {
      const cs = at.filter((c) => c.precision === p);
      const counts = ["1 thread", "default", "either"].map((w) => [w, cs.filter((c) => wantedThreads(c) === w).length] as const).filter(([, n]) => n > 0);
      const lo = Math.min(...cs.map((c) => c.speedup));
      const hi = Math.max(...cs.map((c) => c.speedup));
      const range = lo === hi ? `${lo.toFixed(2)}×` : `${lo.toFixed(2)}–${hi.toFixed(2)}×`;
      return `${p} wants ${counts.map(([w, n]) => `${w} in ${n} of ${cs.length}`).join(", ")} (one thread ${range} as fast as the default)`;
    });
    const groups = [...new Set(at.map((c) => `${c.model}|${c.ep}`))];
    const verdicts = groups.map((g) => threadsVerdict(at.filter((c) => `${c.model}|${c.ep}` === g).map(wantedThreads)));
    const different = verdicts.filter((v) => v === "different").length;
    const agree =
      different === 0
        ? "no model has its precisions wanting different settings"
        : `${different} of ${groups.length} model(s) have precisions wanting different settings`;
    return `Batch ${batch}: ${parts.join("; ")}; ${agree}.`;
  });
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
            : "No thread check in this run: it runs on the CPU EP of a machine with more than one logical CPU (npm run profile -- --eps cpu).",
        ]
      : [
          ...batchSentences(comparisons),
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
