/**
 * What the thread check's comparisons (kind `threads`: a precision at each rung of the thread
 * ladder over the same file at ORT's default, paired) say: the fastest setting of each model ×
 * precision × batch and its speedup over ORT's default, the scaling curve, whether a model's
 * precisions want the same setting, and one sentence per batch for the terminal and the report.
 */
import type { Comparison } from "../formats/run/results-schema.ts";
import { parseThreadVariant } from "../formats/run/thread-variant.ts";

/** The threads of a `threads` comparison's variant (`fp32@2t` → 2). */
export function rungOf(c: Pick<Comparison, "variant">): number {
  const v = parseThreadVariant(c.variant);
  if (!v) throw new Error(`Not a thread-ladder variant: "${c.variant}" (expected <precision>@<N>t)`);
  return v.threads;
}

/** The rung with the highest speedup over ORT's default among one model × precision × batch's comparisons (undefined for none). */
export function fastestRung(cs: readonly Comparison[]): Comparison | undefined {
  return cs.reduce<Comparison | undefined>((best, c) => (best === undefined || c.speedup > best.speedup ? c : best), undefined);
}

/**
 * What one model × precision × batch wants: `N threads` when the fastest rung's 95% CI lies
 * above 1 (faster than ORT's default), `default` when every rung's lies below 1, else `either`.
 */
export function wantedThreads(cs: readonly Pick<Comparison, "verdict" | "speedup" | "variant">[]): string {
  const best = fastestRung(cs as Comparison[]);
  if (best?.verdict === "faster") return `${rungOf(best)} thread${rungOf(best) === 1 ? "" : "s"}`;
  return cs.length > 0 && cs.every((c) => c.verdict === "slower") ? "default" : "either";
}

/** `same: 2 threads` when every precision wants one setting, `different` when two want different definite ones, else `not clear`. */
export function threadsVerdict(wants: readonly string[]): string {
  const definite = new Set(wants.filter((w) => w !== "either"));
  if (definite.size > 1) return "different";
  const [only] = [...definite];
  return only !== undefined && !wants.includes("either") ? `same: ${only}` : "not clear";
}

/** The comparisons of one model × EP × batch × precision, by key `model|ep|batch|precision`, in first-seen order. */
export function ladderGroups(comparisons: readonly Comparison[]): Map<string, Comparison[]> {
  const out = new Map<string, Comparison[]>();
  for (const c of comparisons.filter((x) => x.kind === "threads")) {
    const key = `${c.model}|${c.ep}|${c.batch}|${c.precision}`;
    out.set(
      key,
      [...(out.get(key) ?? []), c].sort((a, b) => rungOf(a) - rungOf(b)),
    );
  }
  return out;
}

/** The scaling curve: `1t 0.62×, 2t 1.00×` (each rung's speedup over ORT's default, in rung order). */
export function scalingCurve(cs: readonly Comparison[]): string {
  return [...cs]
    .sort((a, b) => rungOf(a) - rungOf(b))
    .map((c) => `${rungOf(c)}t ${c.speedup.toFixed(2)}×`)
    .join(", ");
}

const x2 = (n: number) => `${n.toFixed(2)}×`;

interface BatchSummary {
  readonly batch: number;
  /** Per precision: the settings wanted and in how many models, and the range of the fastest rung's speedup over the default. */
  readonly precisions: readonly { precision: string; counts: readonly (readonly [string, number])[]; of: number; range: string }[];
  readonly different: number;
  readonly models: number;
}

function summaries(comparisons: readonly Comparison[]): BatchSummary[] {
  const groups = [...ladderGroups(comparisons).values()];
  const batches = [...new Set(groups.map((g) => g[0]!.batch))].sort((a, b) => a - b);
  return batches.map((batch) => {
    const at = groups.filter((g) => g[0]!.batch === batch);
    const precisions = [...new Set(at.map((g) => g[0]!.precision))].map((precision) => {
      const gs = at.filter((g) => g[0]!.precision === precision);
      const wants = gs.map(wantedThreads);
      const counts = [...new Set(wants)].map((w) => [w, wants.filter((x) => x === w).length] as const);
      const best = gs.map((g) => Math.max(1, fastestRung(g)!.speedup));
      const lo = Math.min(...best);
      const hi = Math.max(...best);
      return { precision, counts, of: gs.length, range: lo === hi ? x2(lo) : `${x2(lo).slice(0, -1)}–${x2(hi)}` };
    });
    const models = [...new Set(at.map((g) => `${g[0]!.model}|${g[0]!.ep}`))];
    const different = models.filter((m) => threadsVerdict(at.filter((g) => `${g[0]!.model}|${g[0]!.ep}` === m).map(wantedThreads)) === "different").length;
    return { batch, precisions, different, models: models.length };
  });
}

/** One sentence per batch of the run's `threads` comparisons (the report's notes): what each precision wants over the run's models, and whether they agree. */
export function threadCheckSentences(comparisons: readonly Comparison[]): string[] {
  return summaries(comparisons).map((b) => {
    const parts = b.precisions.map(
      (p) => `${p.precision} wants ${p.counts.map(([w, n]) => `${w} in ${n} of ${p.of}`).join(", ")} (the fastest setting ${p.range} as fast as ORT's default)`,
    );
    const agree =
      b.different === 0
        ? "no model has its precisions wanting different settings"
        : `${b.different} of ${b.models} model(s) have precisions wanting different settings`;
    return `Batch ${b.batch}: ${parts.join("; ")}; ${agree}.`;
  });
}

/**
 * The terminal's line: `thread check (…): batch 1: fp32 2 threads 3/3 (1.11–1.36×), …; batch 32: …`;
 * undefined for a run without the thread check.
 */
export function threadCheckLine(comparisons: readonly Comparison[], ortDefault?: number): string | undefined {
  const batches = summaries(comparisons).map((b) => {
    const parts = b.precisions.map((p) => `${p.precision} ${p.counts.map(([w, n]) => `${w} ${n}/${p.of}`).join(", ")} (${p.range})`);
    return `batch ${b.batch}: ${parts.join(", ")}${b.different > 0 ? `, ${b.different}/${b.models} models disagree` : ""}`;
  });
  if (batches.length === 0) return undefined;
  const rungs = [...new Set([...ladderGroups(comparisons).values()].flat().map(rungOf))].sort((a, b) => a - b);
  const def = ortDefault === undefined ? "ORT's default" : `ORT's default (${ortDefault} thread${ortDefault === 1 ? "" : "s"})`;
  return (
    `thread check (cpu, intra-op threads ${rungs.join(", ")} vs ${def}, paired; the setting each precision wants, in how many models, and the fastest setting's speedup over the default; ` +
    `the rows above are each at their fastest setting; curves in the report): ${batches.join("; ")}`
  );
}
