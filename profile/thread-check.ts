/**
 * What the thread check's comparisons (kind `threads`: a precision at one intra-op thread
 * over ORT's default, paired) say: the setting each precision wants, whether a model's
 * precisions agree, and one sentence per batch size for the terminal and the report.
 */
import type { Comparison } from "../formats/run/results-schema.ts";

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

interface BatchSummary {
  readonly batch: number;
  /** Per precision: how many models want each setting, and the range of one-thread speedups. */
  readonly precisions: readonly { precision: string; counts: readonly (readonly [string, number])[]; of: number; range: string }[];
  /** Models whose precisions want opposite settings, of `models`. */
  readonly different: number;
  readonly models: number;
}

function summaries(comparisons: readonly Comparison[]): BatchSummary[] {
  const threads = comparisons.filter((c) => c.kind === "threads");
  const batches = [...new Set(threads.map((c) => c.batch))].sort((a, b) => a - b);
  return batches.map((batch) => {
    const at = threads.filter((c) => c.batch === batch);
    const precisions = [...new Set(at.map((c) => c.precision))].map((precision) => {
      const cs = at.filter((c) => c.precision === precision);
      const counts = ["1 thread", "default", "either"].map((w) => [w, cs.filter((c) => wantedThreads(c) === w).length] as const).filter(([, n]) => n > 0);
      const lo = Math.min(...cs.map((c) => c.speedup));
      const hi = Math.max(...cs.map((c) => c.speedup));
      return { precision, counts, of: cs.length, range: lo === hi ? `${lo.toFixed(2)}×` : `${lo.toFixed(2)}–${hi.toFixed(2)}×` };
    });
    const groups = [...new Set(at.map((c) => `${c.model}|${c.ep}`))];
    const different = groups.filter((g) => threadsVerdict(at.filter((c) => `${c.model}|${c.ep}` === g).map(wantedThreads)) === "different").length;
    return { batch, precisions, different, models: groups.length };
  });
}

/** One sentence per batch size of the run's `threads` comparisons (the report's notes): what each precision wants over the run's models, and whether they agree. */
export function threadCheckSentences(comparisons: readonly Comparison[]): string[] {
  return summaries(comparisons).map((b) => {
    const parts = b.precisions.map(
      (p) => `${p.precision} wants ${p.counts.map(([w, n]) => `${w} in ${n} of ${p.of}`).join(", ")} (one thread ${p.range} as fast as the default)`,
    );
    const agree =
      b.different === 0
        ? "no model has its precisions wanting different settings"
        : `${b.different} of ${b.models} model(s) have precisions wanting different settings`;
    return `Batch ${b.batch}: ${parts.join("; ")}; ${agree}.`;
  });
}

/**
 * The terminal's line: `thread check (…): batch 1: fp32 1 thread 3/3 (1.11–1.36×), int8 1 thread 3/3 (1.23–1.49×); batch 32: …`;
 * undefined for a run without the thread check.
 */
export function threadCheckLine(comparisons: readonly Comparison[]): string | undefined {
  const batches = summaries(comparisons).map((b) => {
    const parts = b.precisions.map((p) => `${p.precision} ${p.counts.map(([w, n]) => `${w} ${n}/${p.of}`).join(", ")} (${p.range})`);
    return `batch ${b.batch}: ${parts.join(", ")}${b.different > 0 ? `, ${b.different}/${b.models} models disagree` : ""}`;
  });
  return batches.length === 0
    ? undefined
    : `thread check (cpu, one intra-op thread vs ORT's default: the setting each precision wants, in how many models, and the one-thread speedups; table in the report): ${batches.join("; ")}`;
}
