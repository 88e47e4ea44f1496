/**
 * Records → rows (pure, tested without children): every planned model × precision × EP ×
 * batch becomes a row from its facts record and its timing rounds, and every pair of rows
 * that can be compared becomes a speedup with its interval: the precisions of one model on
 * one EP from their interleaved blocks (paired), each EP against the CPU EP (unpaired).
 */
import { pairedSpeedup, percentile, unpairedSpeedup, type BlockMedian, type LatencyRound, type SpeedupEstimate } from "../measure/index.ts";
import { groupKey, timingKey, type FactsRecord, type TimingRecord } from "../formats/run/run-records.ts";
import { rowKey, type PlannedJob, type RunPlan } from "../formats/run/run-plan.ts";
import type { Comparison, OkRow, ResultRow, Warning } from "../formats/run/results-schema.ts";
import { roundFailedWarning, roundFigures, stabilityWarnings } from "./row-rounds.ts";
import { chosenThreads, fastestThreadVariant, ladderVariants } from "./thread-choice.ts";
import { deviceVariant } from "./device-resident.ts";
import { roundsOn, softwareAdapterWarning } from "./software-adapter.ts";

/** What {@link buildRows} reads. */
export interface RowSources {
  readonly plan: RunPlan;
  /** By row key. */
  readonly facts: ReadonlyMap<string, FactsRecord>;
  /** By `timingKey`. */
  readonly timings: ReadonlyMap<string, TimingRecord>;
  /** Timing rounds wanted per row. */
  readonly rounds: number;
  /** CV above which a row is warned about (a ratio). */
  readonly cvThreshold: number;
}

/** What {@link buildRows} makes. */
export interface BuiltRows {
  /** In plan order; rows with nothing recorded yet are absent. */
  readonly rows: ResultRow[];
  readonly comparisons: Comparison[];
  /** True when every planned row exists and every timing round of it was recorded. */
  readonly complete: boolean;
}

/** The precision the paired speedups are taken against. */
export const BASELINE_PRECISION = "fp32";
/** The EP the unpaired EP speedups are taken against. */
export const BASELINE_EP = "cpu";

/** The timing records of a job's group at `batch`, rounds 1..`rounds` (undefined where not yet run). */
function roundsOf(s: RowSources, job: PlannedJob, batch: number): (TimingRecord | undefined)[] {
  return Array.from({ length: roundsOn(job, s.rounds) }, (_, i) => s.timings.get(timingKey({ group: groupKey(job), batch, round: i + 1 })));
}

/** Every block median of a model × EP group's paired children at `batch`, over its rounds (failed rounds left out). */
function blocksOf(s: RowSources, job: PlannedJob, batch: number): BlockMedian[] {
  return roundsOf(s, job, batch).flatMap((rec) => (rec && !rec.failure ? rec.blocks.map((b) => ({ ...b, round: rec.round })) : []));
}

function rowOf(s: RowSources, job: PlannedJob, batch: number): { row: ResultRow; allRounds: boolean; chosen?: string } | undefined {
  const key = rowKey(job, batch);
  const base = { key, model: job.model, precision: job.precision, ep: job.ep, batch, onnxPath: job.onnxPath };
  const status = s.plan.eps.find((e) => e.name === job.ep);
  if (job.loadError)
    return {
      row: { ...base, finishedAt: s.plan.startedAt, state: "errored", error: job.loadError, exitCode: null, signal: null, stderrTail: "" },
      allRounds: true,
    };
  if (job.skip) return { row: { ...base, finishedAt: s.plan.startedAt, state: "skipped", reason: job.skip.reason, fix: job.skip.fix }, allRounds: true };
  if (status?.state === "skipped")
    return { row: { ...base, finishedAt: s.plan.startedAt, state: "skipped", reason: status.reason, fix: status.fix }, allRounds: true };
  const f = s.facts.get(key);
  if (!f) return undefined;
  if (f.state === "skipped") return { row: { ...base, finishedAt: f.finishedAt, state: "skipped", reason: f.reason, fix: f.fix }, allRounds: true };
  if (f.state === "errored") {
    return {
      row: { ...base, finishedAt: f.finishedAt, state: "errored", error: f.error, exitCode: f.exitCode, signal: f.signal, stderrTail: f.stderrTail },
      allRounds: true,
    };
  }
  const records = roundsOf(s, job, batch);
  const measured: { latency: LatencyRound["latency"]; sketch: number[]; record: TimingRecord; energy?: OkRow["energy"]; threads?: OkRow["threads"] }[] = [];
  const failed: { round: number; error: string; record: TimingRecord }[] = [];
  // The row is the fastest intra-op setting timed (thread-choice.ts); without the ladder, ORT's default.
  const chosen = fastestThreadVariant(
    records.filter((r): r is TimingRecord => r !== undefined),
    job.precision,
  );
  records.forEach((rec, i) => {
    if (!rec) return;
    const v = rec.failure ? undefined : rec.variants.find((x) => x.name === chosen);
    if (v)
      measured.push({
        latency: v.latency,
        sketch: v.sketch,
        record: rec,
        ...(v.energy ? { energy: v.energy } : {}),
        ...(v.threads ? { threads: chosenThreads(rec, job.precision, chosen) ?? v.threads } : {}),
      });
    else
      failed.push({
        round: i + 1,
        error: rec.failure?.error ?? rec.variantErrors.find((e) => e.name === job.precision)?.error ?? `${job.precision} was not measured in this round`,
        record: rec,
      });
  });
  const allRounds = records.every(Boolean);
  if (measured.length === 0) {
    const first = failed[0];
    if (!first) return undefined;
    const exit = first.record.failure;
    return {
      row: {
        ...base,
        finishedAt: first.record.finishedAt,
        state: "errored",
        error: first.error,
        exitCode: exit?.exitCode ?? null,
        signal: exit?.signal ?? null,
        stderrTail: exit?.stderrTail ?? "",
      },
      allRounds,
    };
  }
  const figures = roundFigures(measured, batch);
  const last = measured.at(-1)!.record;
  const warnings: Warning[] = [
    ...(job.warnings ?? []),
    ...f.warnings,
    ...stabilityWarnings(figures, s.cvThreshold),
    ...failed.map((x) => roundFailedWarning(x.round, s.rounds, x.error)),
    ...(job.softwareAdapter ? [softwareAdapterWarning(s.plan.eps, job.ep, s.rounds)] : []),
  ];
  const acc = f.accuracy;
  const { energy, threads } = measured.at(-1)!;
  const row: OkRow = {
    ...base,
    finishedAt: last.finishedAt,
    state: "ok",
    sessionCreateMs: f.sessionCreateMs,
    firstRunMs: f.firstRunMs,
    ...figures,
    roundBlockMedians: measured.map((m) => m.record.blocks.filter((b) => b.variant === chosen).map((b) => b.medianMs)),
    peakRssMiB: f.peakRssMiB,
    baselineRssMiB: f.baselineRssMiB,
    ...(f.gpuMemory ? { gpuMemory: f.gpuMemory } : {}),
    arena: f.arena,
    ops: f.ops,
    accuracy: acc,
    agreementWithFp32: null,
    params: job.params,
    sizeBytes: job.sizeBytes,
    accuracyPerMParams: acc && job.params > 0 ? (acc.top1 * 100) / (job.params / 1e6) : null,
    loadAverage1m: last.loadAverage1m,
    warnings,
    ...(energy ? { energy } : {}),
    ...(threads ? { threads } : {}),
  };
  return { row, allRounds, chosen };
}

/** A comparison from what it compares and its estimate (paired when it compares precisions). */
function comparison(what: Pick<Comparison, "kind" | "model" | "ep" | "precision" | "batch" | "baseline" | "variant">, est: SpeedupEstimate): Comparison {
  return {
    ...what,
    speedup: est.speedup,
    ci95: [est.ci95[0], est.ci95[1]],
    paired: what.kind !== "ep",
    pairs: est.pairs,
    rounds: est.rounds,
    verdict: est.verdict,
  };
}

/** The paired speedups of every precision over FP32 within each model × EP × batch, each at its row's intra-op setting (`chosen` by row key). */
function precisionComparisons(s: RowSources, ok: readonly OkRow[], chosen: ReadonlyMap<string, string>): Comparison[] {
  const out: Comparison[] = [];
  for (const base of ok.filter((r) => r.precision === BASELINE_PRECISION)) {
    const job = s.plan.jobs.find((j) => j.model === base.model && j.ep === base.ep && j.precision === base.precision);
    if (!job) continue;
    const blocks = blocksOf(s, job, base.batch);
    for (const other of ok.filter((r) => r.model === base.model && r.ep === base.ep && r.batch === base.batch && r.precision !== BASELINE_PRECISION)) {
      const est = pairedSpeedup(blocks, chosen.get(base.key) ?? BASELINE_PRECISION, chosen.get(other.key) ?? other.precision);
      if (est)
        out.push(
          comparison(
            {
              kind: "precision",
              model: base.model,
              ep: base.ep,
              precision: other.precision,
              batch: base.batch,
              baseline: BASELINE_PRECISION,
              variant: other.precision,
            },
            est,
          ),
        );
    }
  }
  return out;
}

/**
 * Each row over its device-resident copy timed in the same paired window (a GPU row's
 * `transfer` split, device-resident.ts), where its records have one.
 */
function transferComparisons(s: RowSources, ok: readonly OkRow[]): Comparison[] {
  const out: Comparison[] = [];
  for (const row of ok) {
    const job = s.plan.jobs.find((j) => j.model === row.model && j.ep === row.ep && j.precision === row.precision);
    if (!job) continue;
    const variant = deviceVariant(row.precision);
    const blocks = blocksOf(s, job, row.batch);
    if (!blocks.some((b) => b.variant === variant)) continue;
    const est = pairedSpeedup(blocks, row.precision, variant);
    if (est)
      out.push(
        comparison({ kind: "transfer", model: row.model, ep: row.ep, precision: row.precision, batch: row.batch, baseline: row.precision, variant }, est),
      );
  }
  return out;
}

/** The paired speedups of each rung of the thread ladder (the thread check) over the precision at ORT's default, where the row's records have them. */
function threadComparisons(s: RowSources, ok: readonly OkRow[]): Comparison[] {
  const out: Comparison[] = [];
  for (const row of ok) {
    const job = s.plan.jobs.find((j) => j.model === row.model && j.ep === row.ep && j.precision === row.precision);
    if (!job) continue;
    const blocks = blocksOf(s, job, row.batch);
    for (const variant of ladderVariants(
      row.precision,
      blocks.map((b) => b.variant),
    ).slice(1)) {
      const est = pairedSpeedup(blocks, row.precision, variant);
      if (est)
        out.push(
          comparison({ kind: "threads", model: row.model, ep: row.ep, precision: row.precision, batch: row.batch, baseline: row.precision, variant }, est),
        );
    }
  }
  return out;
}

/** `row` with its on-device time and transfer share, when its device-resident copy was timed beside it. */
function withOnDevice(s: RowSources, row: ResultRow, transfers: readonly Comparison[]): ResultRow {
  if (row.state !== "ok") return row;
  const c = transfers.find((x) => x.model === row.model && x.ep === row.ep && x.precision === row.precision && x.batch === row.batch);
  const job = s.plan.jobs.find((j) => j.model === row.model && j.ep === row.ep && j.precision === row.precision);
  if (!c || !job) return row;
  const p50s = roundsOf(s, job, row.batch).flatMap((rec) => rec?.variants.filter((v) => v.name === c.variant).map((v) => v.latency.p50) ?? []);
  if (p50s.length === 0) return row;
  const share = (speedup: number) => 1 - 1 / speedup;
  const p50Ms = percentile(
    [...p50s].sort((a, b) => a - b),
    50,
  );
  return { ...row, onDevice: { p50Ms, transferShare: share(c.speedup), transferShareCi95: [share(c.ci95[0]), share(c.ci95[1])] } };
}

/** The unpaired speedups of every EP over the CPU EP for each model × precision × batch. */
function epComparisons(ok: readonly OkRow[]): Comparison[] {
  const out: Comparison[] = [];
  for (const base of ok.filter((r) => r.ep === BASELINE_EP)) {
    for (const other of ok.filter((r) => r.model === base.model && r.precision === base.precision && r.batch === base.batch && r.ep !== BASELINE_EP)) {
      const est = unpairedSpeedup(base.roundBlockMedians ?? [], other.roundBlockMedians ?? []);
      if (est)
        out.push(
          comparison(
            { kind: "ep", model: base.model, ep: other.ep, precision: base.precision, batch: base.batch, baseline: BASELINE_EP, variant: other.ep },
            est,
          ),
        );
    }
  }
  return out;
}

/** Builds every row that has records, the comparisons between them, and whether the run is complete. */
export function buildRows(s: RowSources): BuiltRows {
  const rows: ResultRow[] = [];
  const chosen = new Map<string, string>();
  let complete = true;
  for (const job of s.plan.jobs) {
    for (const batch of job.batches) {
      const built = rowOf(s, job, batch);
      if (!built) {
        complete = false;
        continue;
      }
      if (!built.allRounds) complete = false;
      rows.push(built.row);
      if (built.chosen) chosen.set(built.row.key, built.chosen);
    }
  }
  const ok = rows.filter((r): r is OkRow => r.state === "ok");
  const transfers = transferComparisons(s, ok);
  return {
    rows: rows.map((r) => withOnDevice(s, r, transfers)),
    comparisons: [...precisionComparisons(s, ok, chosen), ...epComparisons(ok), ...threadComparisons(s, ok), ...transfers],
    complete,
  };
}
