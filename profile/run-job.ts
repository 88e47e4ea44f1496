/**
 * Runs one round of one planned job (model × precision × EP) in a child process and turns
 * what the child reports into rows: `ok` per measured batch, `skipped` when the EP cannot
 * start or the model cannot take the batch, `errored` when the child fails. Round 1 makes
 * the rows; a later round adds its measurement to each ok row (see `row-rounds.ts`), and
 * a later round that fails leaves the row ok with a warning saying so. Rows are handed to
 * `onRow` as soon as they are known (the profiler appends them to `results.jsonl`).
 */
import { loadavg } from "node:os";
import type { HarnessMetadata } from "../export/onnx-metadata.ts";
import type { BatchFeeds, ChildMessage, MeasureJob, MeasuredBatch } from "./child-protocol.ts";
import type { EpRunner } from "./ep-runner.ts";
import { concreteShape, type InputSpec } from "./model-facts.ts";
import type { ResolvedProfileOptions } from "./profile-options.ts";
import { rowKey, type PlannedJob } from "./run-plan.ts";
import { runChild, type ChildExit } from "./run-child.ts";
import type { OkRow, ResultRow } from "./results-schema.ts";
import { lastingWarnings, measureForRound, roundFigures, stabilityWarnings, type RoundRecord } from "./row-rounds.ts";

/** What {@link runJob} needs besides the job. */
export interface JobContext {
  readonly runner: EpRunner;
  readonly options: Pick<ResolvedProfileOptions, "measure" | "dataDir" | "accuracyLimit" | "childTimeoutMs" | "shapes" | "cvThreshold" | "rounds">;
  /** Batches still to run in this round (resume leaves out finished ones). */
  readonly batches: readonly number[];
  /** This round, 1-based (of `options.rounds`). */
  readonly round: number;
  /** For a round after the first: each batch's ok row so far and its earlier rounds. */
  readonly previous?: ReadonlyMap<number, { readonly row: OkRow; readonly records: readonly RoundRecord[] }>;
  /** The machine-speed reference taken before this child, ms (recorded with each round). */
  readonly speedProbeMs?: number;
  /** Persists one round of one row (before the row it changes is handed to `onRow`). */
  readonly onRound: (record: RoundRecord) => Promise<void>;
  readonly traceDir: string;
  readonly predictionsFile: string;
  readonly signal?: AbortSignal;
  readonly onRow: (row: ResultRow) => Promise<void>;
}

/** Describes how a child ended, for an errored row. */
export function describeExit(exit: ChildExit, timeoutMs: number): string {
  const how = exit.timedOut
    ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s and was killed`
    : exit.signal
      ? `was killed by signal ${exit.signal}`
      : `exited with code ${String(exit.exitCode)}`;
  const last = exit.stderrTail.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("at ")).pop();
  return `child process ${how}${last && !exit.timedOut ? `: ${last}` : ""}`;
}

/** Runs one round of `job` for `ctx.batches`; resolves "stopped" when aborted (unfinished rows are not recorded). */
export async function runJob(job: PlannedJob, ctx: JobContext): Promise<"done" | "stopped"> {
  const later = ctx.round > 1;
  const roundBase = (batch: number) => ({
    key: rowKey(job, batch), round: ctx.round, finishedAt: new Date().toISOString(), loadAverage1m: loadavg()[0] ?? 0,
    ...(ctx.speedProbeMs !== undefined ? { speedProbeMs: ctx.speedProbeMs } : {}),
  });
  const base = (batch: number) => ({
    key: rowKey(job, batch), model: job.model, precision: job.precision, ep: job.ep, batch, onnxPath: job.onnxPath, finishedAt: new Date().toISOString(),
  });
  const errored = (batch: number, error: string, exit?: ChildExit): ResultRow => ({
    ...base(batch), state: "errored", error, exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null, stderrTail: exit?.stderrTail ?? "",
  });
  /** A later round that failed: recorded, and the ok row says so. */
  const roundFailed = async (batch: number, error: string) => {
    const prior = ctx.previous?.get(batch);
    await ctx.onRound({ ...roundBase(batch), error });
    if (prior) await ctx.onRow({ ...prior.row, warnings: [...prior.row.warnings, `round ${ctx.round} of ${ctx.options.rounds} failed: ${error}`] });
  };
  const fail = (batch: number, error: string, exit?: ChildExit) => (later ? roundFailed(batch, error) : ctx.onRow(errored(batch, error, exit)));
  const skipped = (batch: number, skip: { reason: string; fix: string }) =>
    (later ? roundFailed(batch, skip.reason) : ctx.onRow({ ...base(batch), state: "skipped", ...skip }));
  const perMParams = (acc: OkRow["accuracy"]) => (acc && job.params > 0 ? (acc.top1 * 100) / (job.params / 1e6) : null);
  if (job.loadError) {
    for (const b of ctx.batches) await fail(b, job.loadError);
    return "done";
  }
  const meta = job.metadata as HarnessMetadata | undefined;
  const pixels = typeof meta?.scale === "number" ? { pixels: { scale: meta.scale, offset: meta.offset ?? 0 } } : {};
  const feeds: BatchFeeds[] = [];
  for (const batch of ctx.batches) {
    const inputs: BatchFeeds["inputs"][number][] = [];
    let skip: { reason: string; fix: string } | undefined;
    try {
      for (const input of job.inputs as InputSpec[]) {
        const shape = concreteShape(input, batch, ctx.options.shapes);
        if ("reason" in shape) {
          skip = shape;
          break;
        }
        inputs.push({ name: input.name, shape: shape.shape, elemType: input.elemType });
      }
    } catch (e) {
      await fail(batch, (e as Error).message);
      continue;
    }
    if (skip) await skipped(batch, skip);
    else feeds.push({ batch, inputs, ...pixels });
  }
  if (feeds.length === 0) return "done";

  const batchAxis = job.inputs[0]?.dims[0];
  const fixedBatch = typeof batchAxis === "number";
  const measure = measureForRound(ctx.options.measure, ctx.options.rounds);
  const childJob: MeasureJob = {
    kind: "measure",
    ep: job.ep,
    onnxPath: job.onnxPath,
    batches: feeds,
    // Accuracy and the per-op pass run once, in round 1.
    measure: later ? { ...measure, profileIterations: 0 } : measure,
    accuracy: meta?.dataset && meta.inputShape && !later
      ? { metadata: meta, dataDir: ctx.options.dataDir, limit: ctx.options.accuracyLimit, batch: fixedBatch ? batchAxis : 32, fixedBatch, predictionsFile: ctx.predictionsFile }
      : null,
    traceDir: ctx.traceDir,
  };

  const done = new Map<number, OkRow>();
  const finished = new Set<number>();
  let session = { sessionCreateMs: 0, baselineRssMiB: 0 };
  let accuracy: OkRow["accuracy"] = null;
  const warnings: string[] = [];
  let cannotStart: { reason: string; fix: string } | undefined;

  const measured = async (r: MeasuredBatch) => {
    const record: RoundRecord = {
      ...roundBase(r.batch),
      measured: { latency: r.latency, sketch: [...r.sketch], firstRunMs: r.firstRunMs, peakRssMiB: r.peakRssMiB, ...session },
    };
    await ctx.onRound(record);
    const prior = ctx.previous?.get(r.batch);
    const figures = roundFigures([...(prior?.records ?? []), record], r.batch);
    const lasting = prior ? lastingWarnings(prior.row.warnings) : [...warnings];
    const acc = accuracy as OkRow["accuracy"];
    const row: OkRow = prior
      ? { ...prior.row, ...figures, finishedAt: record.finishedAt, loadAverage1m: record.loadAverage1m, warnings: [...lasting, ...stabilityWarnings(figures, ctx.options.cvThreshold)] }
      : {
          ...base(r.batch),
          state: "ok",
          ...figures,
          arena: null,
          ops: null,
          accuracy: acc,
          agreementWithFp32: null,
          params: job.params,
          sizeBytes: job.sizeBytes,
          accuracyPerMParams: perMParams(acc),
          loadAverage1m: record.loadAverage1m,
          warnings: [...lasting, ...stabilityWarnings(figures, ctx.options.cvThreshold)],
        };
    done.set(r.batch, row);
    finished.add(r.batch);
    await ctx.onRow(row);
  };

  /** Rewrites the rows this child already produced (all, or the one of `batch`) and re-sends them. */
  const amend = async (change: (row: OkRow) => OkRow, batch?: number) => {
    for (const [b, row] of done) {
      if (batch !== undefined && b !== batch) continue;
      const updated = change(row);
      done.set(b, updated);
      await ctx.onRow(updated);
    }
  };

  const onMessage = async (m: ChildMessage) => {
    switch (m.type) {
      case "session":
        session = { sessionCreateMs: m.sessionCreateMs, baselineRssMiB: m.baselineRssMiB };
        break;
      case "cannot-start":
        cannotStart = { reason: m.reason, fix: m.fix };
        break;
      case "accuracy": {
        // Accuracy runs after the batches (their first runs stay cold), so it amends the rows already sent.
        const acc = { top1: m.top1, count: m.count, dataset: m.dataset };
        accuracy = acc;
        await amend((row) => ({ ...row, accuracy: acc, accuracyPerMParams: perMParams(acc) }));
        break;
      }
      case "accuracy-error":
      case "ops-error": {
        const warning = `${m.type === "accuracy-error" ? "accuracy skipped" : "per-op profile failed"}: ${m.message}`;
        warnings.push(warning);
        await amend((row) => ({ ...row, warnings: [...row.warnings, warning] }));
        break;
      }
      case "batch-error":
        finished.add(m.batch);
        await fail(m.batch, m.message);
        break;
      case "batch":
        await measured(m.result);
        break;
      case "ops":
        await amend((row) => ({ ...row, ops: m.ops, arena: m.arena }), m.batch);
        break;
      default:
        break;
    }
  };

  const exit = await runChild(childJob, {
    env: ctx.runner.childEnv(),
    timeoutMs: ctx.options.childTimeoutMs,
    onMessage,
    signal: ctx.signal,
    script: ctx.runner.childScript, // the browser EPs measure in their own child script
  });
  if (exit.stopped) return "stopped";
  const pending = feeds.map((f) => f.batch).filter((b) => !finished.has(b));
  const skip = cannotStart as { reason: string; fix: string } | undefined;
  for (const b of pending) {
    if (skip) await skipped(b, skip);
    else await fail(b, exit.completed ? "child finished without measuring this batch" : describeExit(exit, ctx.options.childTimeoutMs), exit);
  }
  return "done";
}
