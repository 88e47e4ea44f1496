/**
 * Rounds: each row is measured `--rounds` times, each time in a fresh child process, with
 * the rounds spread across the run (round 1 of every job, then round 2 of every job…).
 * On a shared machine the speed drifts over minutes (thread wake-up latency, neighbours),
 * so one contiguous measurement per row is repeatable only to ±30%; pooling rounds taken
 * minutes apart averages that drift. Each round is appended to `rounds.jsonl` (exact
 * summary + sketch), and the row in `results.jsonl` is rebuilt from all of its rounds.
 */
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { MeasureSettings } from "./profile-options.ts";
import { LatencySchema, RUN_FILES, type Latency, type OkRow } from "./results-schema.ts";
import { coefficientOfVariation, pooledLatency, percentile } from "../measure/statistics.ts";

/** One round of one row: what its child measured, or why that round failed. */
export const RoundRecordSchema = z.object({
  key: z.string(),
  /** 1-based. */
  round: z.number().int().positive(),
  finishedAt: z.string(),
  loadAverage1m: z.number(),
  /** The machine-speed reference (`speed-probe.ts`) just before this round's child started, ms. */
  speedProbeMs: z.number().optional(),
  measured: z.object({
    latency: LatencySchema,
    sketch: z.array(z.number()),
    firstRunMs: z.number(),
    sessionCreateMs: z.number(),
    baselineRssMiB: z.number(),
    peakRssMiB: z.number(),
  }).optional(),
  /** Set when this round failed after an earlier one succeeded (the row keeps its figures). */
  error: z.string().optional(),
});

/** One line of `rounds.jsonl`. */
export type RoundRecord = z.infer<typeof RoundRecordSchema>;

/** Appends one round to `<dir>/rounds.jsonl`. */
export async function appendRound(dir: string, record: RoundRecord): Promise<void> {
  await appendFile(join(dir, RUN_FILES.rounds), JSON.stringify(record) + "\n");
}

/** Reads `rounds.jsonl` by row key, ordered by round (a later line for the same round wins; torn lines are ignored). */
export async function readRounds(dir: string): Promise<Map<string, RoundRecord[]>> {
  const byKey = new Map<string, Map<number, RoundRecord>>();
  let text = "";
  try {
    text = await readFile(join(dir, RUN_FILES.rounds), "utf8");
  } catch {
    return new Map();
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = RoundRecordSchema.safeParse(JSON.parse(line));
      if (!parsed.success) continue;
      const rounds = byKey.get(parsed.data.key) ?? new Map<number, RoundRecord>();
      rounds.set(parsed.data.round, parsed.data);
      byKey.set(parsed.data.key, rounds);
    } catch {
      // torn line from an interrupted write
    }
  }
  return new Map([...byKey].map(([key, rounds]) => [key, [...rounds.values()].sort((a, b) => a.round - b.round)]));
}

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
  };
}

/** The figures of a row that come from its rounds. */
export type RoundFigures = Pick<OkRow, "latency" | "throughput" | "sessionCreateMs" | "firstRunMs" | "peakRssMiB" | "baselineRssMiB" | "roundP50s" | "roundsCv" | "bestRoundP50">;

/** Pools the measured rounds of a row of batch `batch` (at least one must be measured). */
export function roundFigures(records: readonly RoundRecord[], batch: number): RoundFigures {
  const measured = records.flatMap((r) => (r.measured ? [r.measured] : []));
  if (measured.length === 0) throw new Error("roundFigures needs at least one measured round");
  const latency: Latency = pooledLatency(measured);
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
  const roundP50s = measured.map((m) => m.latency.p50);
  return {
    latency,
    throughput: (batch * 1000) / latency.p50,
    sessionCreateMs: median(measured.map((m) => m.sessionCreateMs)),
    firstRunMs: median(measured.map((m) => m.firstRunMs)),
    peakRssMiB: Math.max(...measured.map((m) => m.peakRssMiB)),
    baselineRssMiB: median(measured.map((m) => m.baselineRssMiB)),
    roundP50s,
    roundsCv: coefficientOfVariation(roundP50s),
    bestRoundP50: Math.min(...roundP50s),
  };
}

/** Starts of the warnings {@link stabilityWarnings} writes (rebuilt on every round). */
const DERIVED_WARNINGS = ["latency CV ", "round medians "];

/** The stability warnings of a row's figures: high within-round CV, rounds that disagree. */
export function stabilityWarnings(figures: RoundFigures, cvThreshold: number): string[] {
  const out: string[] = [];
  const cv = figures.latency.robustCv ?? figures.latency.cv;
  const limit = `${(cvThreshold * 100).toFixed(0)}%`;
  if (cv > cvThreshold) {
    out.push(`latency CV ${(cv * 100).toFixed(1)}% (robust: 1.4826·MAD/median) above ${limit}: machine busy or throttling`);
  }
  if ((figures.roundsCv ?? 0) > cvThreshold) {
    const p50s = (figures.roundP50s ?? []).map((p) => p.toPrecision(3)).join(", ");
    out.push(`round medians ${p50s} ms vary by CV ${((figures.roundsCv ?? 0) * 100).toFixed(1)}% (above ${limit}): the machine's speed changed during the run`);
  }
  return out;
}

/** `warnings` without the ones {@link stabilityWarnings} derives, to rebuild them after a new round. */
export function lastingWarnings(warnings: readonly string[]): string[] {
  return warnings.filter((w) => !DERIVED_WARNINGS.some((start) => w.startsWith(start)));
}
