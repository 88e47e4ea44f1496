/**
 * The INT8 tuner's search, a pure function over two injected measurements: the accuracy of
 * each candidate on a validation slice, and each candidate's speedup over FP32 measured side
 * by side (`interleaved-speedups.ts` in the harness, a fake timer in tests). It keeps the
 * fastest candidate (largest lower bound of its paired speedup's 95% interval) whose
 * accuracy is within the budget of FP32's.
 */
import type { SpeedupEstimate } from "../../measure/index.ts";
import type { Int8Candidate } from "./candidate-sets.ts";

/** One candidate's measured figures. */
export interface MeasuredCandidate {
  readonly name: string;
  readonly description: string;
  /** Node keys kept float. */
  readonly floatNodes: string[];
  /** Top-1 accuracy on the validation slice, fraction 0..1; null when unknown (generated inputs). */
  readonly accuracy: number | null;
  /** FP32 accuracy − this accuracy, percentage points; null when unknown. */
  readonly accuracyDropPoints: number | null;
  /** Accuracy within the budget (true when accuracy is unknown: nothing to check against). */
  readonly withinBudget: boolean;
  /** FP32 time ÷ candidate time, paired; null when the timer gave no cycle. */
  readonly speedup: number | null;
  readonly ci95: readonly [number, number] | null;
  readonly verdict: SpeedupEstimate["verdict"] | null;
}

/** The search's outcome. */
export interface SearchResult {
  readonly candidates: MeasuredCandidate[];
  /** Name of the chosen candidate. */
  readonly chosen: string;
  /** Why it was chosen, in words. */
  readonly why: string;
}

/** What the search measures with. */
export interface SearchInputs {
  readonly candidates: readonly Int8Candidate[];
  /** FP32 accuracy on the same validation slice, fraction 0..1; null when unknown. */
  readonly fp32Accuracy: number | null;
  /** Largest accuracy drop allowed, percentage points (0.3 = 0.3 points below FP32). */
  readonly accuracyBudgetPoints: number;
  /** Accuracy of one candidate on the validation slice (fraction 0..1, or null when unknown). */
  readonly accuracyOf: (candidate: Int8Candidate) => Promise<number | null>;
  /** Speedups over FP32 of all candidates, measured together (one interleaved window). */
  readonly speedupsOf: (candidates: readonly Int8Candidate[]) => Promise<ReadonlyMap<string, SpeedupEstimate | null>>;
}

const pts = (x: number): string => x.toFixed(2);

/**
 * Measures every candidate and picks the fastest (largest paired speedup) within the
 * accuracy budget. When none is within it, the most accurate wins and `why` says so.
 * @throws when there is no candidate.
 */
export async function searchInt8(inputs: SearchInputs): Promise<SearchResult> {
  if (inputs.candidates.length === 0) throw new Error("searchInt8 needs at least one candidate");
  const accuracies = new Map<string, number | null>();
  for (const c of inputs.candidates) accuracies.set(c.name, await inputs.accuracyOf(c));
  const speedups = await inputs.speedupsOf(inputs.candidates);
  const measured: MeasuredCandidate[] = inputs.candidates.map((c) => {
    const accuracy = accuracies.get(c.name) ?? null;
    const drop = accuracy === null || inputs.fp32Accuracy === null ? null : (inputs.fp32Accuracy - accuracy) * 100;
    const s = speedups.get(c.name) ?? null;
    return {
      name: c.name,
      description: c.description,
      floatNodes: [...c.floatNodes.keys()],
      accuracy,
      accuracyDropPoints: drop,
      withinBudget: drop === null || drop <= inputs.accuracyBudgetPoints + 1e-9,
      speedup: s?.speedup ?? null,
      ci95: s?.ci95 ?? null,
      verdict: s?.verdict ?? null,
    };
  });
  // Fastest with confidence: the largest lower 95% bound, then the largest estimate (on a
  // shared machine one lucky cycle can inflate an estimate; it cannot lift the lower bound much).
  const key = (m: MeasuredCandidate) => [m.ci95?.[0] ?? m.speedup ?? -Infinity, m.speedup ?? -Infinity] as const;
  const fastest = (xs: MeasuredCandidate[]) => [...xs].sort((a, b) => key(b)[0] - key(a)[0] || key(b)[1] - key(a)[1])[0];
  const ok = measured.filter((m) => m.withinBudget);
  const pick = fastest(ok);
  if (pick) {
    const over = measured
      .filter((m) => !m.withinBudget && key(m)[0] > key(pick)[0])
      .map((m) => `${m.name} (${pts(m.accuracyDropPoints ?? 0)} points below FP32)`);
    const speed = pick.speedup === null ? "no timing" : `${pick.speedup.toFixed(2)}x over FP32`;
    const unknown = pick.accuracy === null ? "; accuracy unknown (generated inputs): chosen on speed alone" : "";
    const slower = pick.speedup !== null && pick.speedup < 1 ? "; no candidate is faster than FP32: INT8 does not pay for this model here" : "";
    return {
      candidates: measured,
      chosen: pick.name,
      why:
        `fastest within ${inputs.accuracyBudgetPoints} accuracy points of FP32: ${speed}${unknown}${slower}` +
        (over.length ? `; faster but over budget: ${over.join(", ")}` : ""),
    };
  }
  const best = [...measured].sort((a, b) => (b.accuracy ?? 0) - (a.accuracy ?? 0) || (b.speedup ?? 0) - (a.speedup ?? 0))[0]!;
  return {
    candidates: measured,
    chosen: best.name,
    why: `no candidate within ${inputs.accuracyBudgetPoints} accuracy points of FP32; the most accurate (${pts(best.accuracyDropPoints ?? 0)} points below) is kept`,
  };
}
