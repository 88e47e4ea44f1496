/**
 * What a child said → the records of the run directory (pure: tested without children).
 * Every batch the child was given gets a record, measured or not, unless the run was
 * stopped: then nothing is recorded and `--resume` runs the child again.
 */
import type { ChildMessage } from "./child-protocol.ts";
import type { ChildExit } from "./run-child.ts";
import type { FactsRecord, Failure, TimingRecord } from "../formats/run/run-records.ts";
import type { Warning } from "../formats/run/results-schema.ts";

/** Describes how a child ended, for an errored row. */
export function describeExit(exit: ChildExit, timeoutMs: number): string {
  const how = exit.timedOut
    ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s and was killed`
    : exit.signal
      ? `was killed by signal ${exit.signal}`
      : `exited with code ${String(exit.exitCode)}`;
  const last = exit.stderrTail
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("at "))
    .pop();
  return `child process ${how}${last && !exit.timedOut ? `: ${last}` : ""}`;
}

/** The failure of a batch the child never reported. */
function missing(exit: ChildExit, timeoutMs: number): Failure {
  return {
    error: exit.completed ? "child finished without measuring this batch" : describeExit(exit, timeoutMs),
    exitCode: exit.exitCode,
    signal: exit.signal,
    stderrTail: exit.stderrTail,
  };
}

const reported = (message: string): Failure => ({ error: message, exitCode: null, signal: null, stderrTail: "" });

/** The facts records of one facts child: `keyOf(batch)` gives each batch's row key. */
export function factsRecords(
  batches: readonly number[],
  keyOf: (batch: number) => string,
  messages: readonly ChildMessage[],
  exit: ChildExit,
  timeoutMs: number,
  finishedAt: string,
): FactsRecord[] {
  if (exit.stopped) return [];
  let session = { sessionCreateMs: 0, baselineRssMiB: 0 };
  let accuracy: Extract<FactsRecord, { state: "measured" }>["accuracy"] = null;
  let accuracyTried = false;
  const warnings: Warning[] = [];
  const out = new Map<number, FactsRecord>();
  const ops = new Map<number, Extract<ChildMessage, { type: "ops" }>>();
  let cannotStart: { reason: string; fix: string } | undefined;
  for (const m of messages) {
    switch (m.type) {
      case "session":
        session = { sessionCreateMs: m.sessionCreateMs, baselineRssMiB: m.baselineRssMiB };
        break;
      case "cannot-start":
        cannotStart = { reason: m.reason, fix: m.fix };
        break;
      case "batch-facts":
        out.set(m.batch, {
          key: keyOf(m.batch),
          state: "measured",
          finishedAt,
          ...session,
          firstRunMs: m.firstRunMs,
          peakRssMiB: m.peakRssMiB,
          ...(m.gpuMemory ? { gpuMemory: m.gpuMemory } : {}),
          accuracy: null,
          ops: null,
          arena: null,
          warnings: [],
        });
        break;
      case "batch-error":
        out.set(m.batch, { key: keyOf(m.batch), state: "errored", finishedAt, ...reported(m.message) });
        break;
      case "accuracy":
        accuracyTried = true;
        accuracy = { top1: m.top1, count: m.count, dataset: m.dataset };
        break;
      case "accuracy-error":
        accuracyTried = true;
        warnings.push({ code: "accuracy-skipped", text: `accuracy skipped: ${m.message}`, figures: {} });
        break;
      case "ops":
        ops.set(m.batch, m);
        break;
      case "ops-error":
        warnings.push({ code: "ops-failed", text: `per-op profile failed: ${m.message}`, figures: {} });
        break;
      default:
        break;
    }
  }
  if (!exit.completed && !accuracyTried && [...out.values()].some((r) => r.state === "measured")) {
    warnings.push({ code: "accuracy-skipped", text: `accuracy not measured: ${describeExit(exit, timeoutMs)}`, figures: {} });
  }
  return batches.map((batch) => {
    const r = out.get(batch);
    if (r?.state === "measured") {
      const o = ops.get(batch);
      return { ...r, accuracy, warnings, ...(o ? { ops: o.ops, arena: o.arena } : {}) };
    }
    if (r) return r;
    if (cannotStart) return { key: keyOf(batch), state: "skipped", finishedAt, ...cannotStart };
    return { key: keyOf(batch), state: "errored", finishedAt, ...missing(exit, timeoutMs) };
  });
}

/** Fields of a timing record the caller knows before the child runs. */
export type TimingContext = Pick<TimingRecord, "group" | "round" | "finishedAt" | "loadAverage1m"> & { readonly speedProbeMs?: number };

/** The timing records of one paired child, one per batch it was given. */
export function timingRecords(
  batches: readonly number[],
  ctx: TimingContext,
  messages: readonly ChildMessage[],
  exit: ChildExit,
  timeoutMs: number,
): TimingRecord[] {
  if (exit.stopped) return [];
  const base = (batch: number) => ({
    group: ctx.group,
    batch,
    round: ctx.round,
    finishedAt: ctx.finishedAt,
    loadAverage1m: ctx.loadAverage1m,
    ...(ctx.speedProbeMs !== undefined ? { speedProbeMs: ctx.speedProbeMs } : {}),
  });
  const variantErrors: TimingRecord["variantErrors"] = [];
  const out = new Map<number, TimingRecord>();
  let cannotStart: string | undefined;
  for (const m of messages) {
    if (m.type === "variant-error") variantErrors.push({ name: m.variant, error: m.message });
    else if (m.type === "cannot-start") cannotStart = `${m.reason} (fix: ${m.fix})`;
    else if (m.type === "paired-batch") {
      out.set(m.batch, {
        ...base(m.batch),
        variants: m.variants.map((v) => ({
          name: v.name,
          latency: v.latency,
          sketch: [...v.sketch],
          sessionCreateMs: v.sessionCreateMs,
          ...(v.energy ? { energy: v.energy } : {}),
          ...(v.threads ? { threads: v.threads } : {}),
        })),
        blocks: m.blocks.map((b) => ({ cycle: b.cycle, variant: b.variant, runs: b.runs, medianMs: b.medianMs })),
        cycles: m.cycles,
        variantErrors: [],
      });
    } else if (m.type === "batch-error") {
      out.set(m.batch, { ...base(m.batch), variants: [], blocks: [], cycles: 0, variantErrors: [], failure: reported(m.message) });
    }
  }
  return batches.map((batch) => {
    const r = out.get(batch);
    if (r) return { ...r, variantErrors: r.failure ? r.variantErrors : [...variantErrors] };
    const failure = cannotStart ? reported(cannotStart) : missing(exit, timeoutMs);
    return { ...base(batch), variants: [], blocks: [], cycles: 0, variantErrors: [...variantErrors], failure };
  });
}
