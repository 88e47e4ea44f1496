/**
 * Rounds: each model × EP is timed `--rounds` times, each time in a fresh child process,
 * with the rounds spread across the run (round 1 of every model, then round 2 of every
 * model…). A process can land in a slow mode, and a shared machine's speed drifts for
 * minutes; pooling rounds taken minutes apart averages that, and their spread says how far
 * a rerun may move. This file pools one row's rounds and words its stability warnings.
 */
import { coefficientOfVariation, pooledLatency, type LatencyRound } from "../measure/index.ts";
import type { MeasureSettings } from "../formats/options/profile-options.ts";
import type { OkRow, Warning } from "../formats/run/results-schema.ts";

/**
 * The measurement settings of one round: the row's time and count targets divided among
 * `rounds` (so more rounds cost child start-ups, not more measuring), warm-up unchanged.
 */
export function measureForRound(measure: MeasureSettings, rounds: number): MeasureSettings {
  if (rounds <= 1) return measure;
  return {
    ...measure,
    minTimeMs: measure.minTimeMs / rounds,
    minIterations: Math.max(3, Math.ceil(measure.minIterations / rounds)),
    rowBudgetMs: measure.rowBudgetMs / rounds,
    minCycles: Math.max(1, Math.ceil(measure.minCycles / rounds)),
  };
}

/** The figures of a row that come from its timing rounds. */
export type RoundFigures = Pick<OkRow, "latency" | "throughput" | "roundP50s" | "roundsCv" | "bestRoundP50">;

/** Pools the measured rounds of a row of batch `batch` (at least one). */
export function roundFigures(rounds: readonly LatencyRound[], batch: number): RoundFigures {
  if (rounds.length === 0) throw new Error("roundFigures needs at least one measured round");
  const latency = pooledLatency(rounds);
  const roundP50s = rounds.map((m) => m.latency.p50);
  return {
    latency,
    throughput: (batch * 1000) / latency.p50,
    roundP50s,
    roundsCv: coefficientOfVariation(roundP50s),
    bestRoundP50: Math.min(...roundP50s),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The stability warnings of a row's figures, each saying what moved and by how much:
 * single runs that vary (robust CV of the samples) and rounds whose medians disagree.
 */
export function stabilityWarnings(figures: RoundFigures, cvThreshold: number): Warning[] {
  const out: Warning[] = [];
  const cv = figures.latency.robustCv ?? figures.latency.cv;
  const limit = `${(cvThreshold * 100).toFixed(0)}%`;
  if (cv > cvThreshold) {
    out.push({
      code: "high-cv",
      text:
        `single runs vary by robust CV ${pct(cv)} (1.4826·MAD/median, above ${limit}; p50 ${figures.latency.p50.toPrecision(3)} ms, ` +
        `p95 ${figures.latency.p95.toPrecision(3)} ms): the median and its interval still hold, single-run times do not`,
      figures: { robustCv: cv, threshold: cvThreshold, p50Ms: figures.latency.p50, p95Ms: figures.latency.p95 },
    });
  }
  const p50s = figures.roundP50s ?? [];
  if ((figures.roundsCv ?? 0) > cvThreshold && p50s.length > 1) {
    const lo = Math.min(...p50s);
    const hi = Math.max(...p50s);
    out.push({
      code: "rounds-differ",
      text:
        `round medians ${p50s.map((p) => p.toPrecision(3)).join(", ")} ms differ by ${(hi / lo).toFixed(2)}× (CV ${pct(figures.roundsCv ?? 0)}, above ${limit}): ` +
        "the machine's speed moved between rounds; absolute times carry it, paired speedups cancel it",
      figures: { roundsCv: figures.roundsCv ?? 0, threshold: cvThreshold, minRoundP50Ms: lo, maxRoundP50Ms: hi },
    });
  }
  return out;
}

/** The warning of a timing round that failed while another round measured the row. */
export function roundFailedWarning(round: number, rounds: number, error: string): Warning {
  return { code: "round-failed", text: `round ${round} of ${rounds} failed: ${error}`, figures: { round, rounds } };
}
