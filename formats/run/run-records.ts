/**
 * The append-only records of a run directory, from which every row is rebuilt
 * (`build-rows.ts`): `facts.jsonl`, one line per model file × EP × batch (isolated facts:
 * memory, cold first run, accuracy, per-op profile), and `rounds.jsonl`, one line per
 * model × EP × batch × round (every precision's latency and the interleaved block medians).
 * A later line with the same key replaces an earlier one; a torn line is ignored, and the next
 * record starts on a new line after it. Also the
 * path of a job's predictions file. profile/run-store.ts owns the directory; reports/ reads it.
 */
import { appendFile, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EnergySchema } from "./energy-schema.ts";
import { GpuMemorySchema, LatencySchema, OpTimeSchema, RUN_FILES, ThreadsSchema, WarningSchema } from "./results-schema.ts";

/** A child's failure: what it said and how it ended. */
const FailureSchema = z.object({
  error: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stderrTail: z.string(),
});

/** The isolated facts of one model file (`key` = row key `model|precision|ep|batch`). */
export const FactsRecordSchema = z.discriminatedUnion("state", [
  z.object({
    key: z.string(),
    state: z.literal("measured"),
    finishedAt: z.string(),
    /** `InferenceSession.create` wall time in the model's own child, ms. */
    sessionCreateMs: z.number(),
    /** First run at this batch (shape setup, kernel compile), ms. */
    firstRunMs: z.number(),
    /** Peak RSS of the child after this batch's first runs, MiB. */
    peakRssMiB: z.number(),
    /** Peak RSS before the session was created, MiB. */
    baselineRssMiB: z.number(),
    /** GPU memory after this batch's first runs (GPU EPs on NVIDIA; absent elsewhere). */
    gpuMemory: GpuMemorySchema.optional(),
    accuracy: z.object({ top1: z.number(), count: z.number().int(), dataset: z.string() }).nullable(),
    ops: z.array(OpTimeSchema).nullable(),
    arena: z.object({ heldMiB: z.number().nullable(), inUsePeakMiB: z.number().nullable() }).nullable(),
    warnings: z.array(WarningSchema),
  }),
  z.object({ key: z.string(), state: z.literal("skipped"), finishedAt: z.string(), reason: z.string(), fix: z.string() }),
  z.object({ key: z.string(), state: z.literal("errored"), finishedAt: z.string() }).extend(FailureSchema.shape),
]);

/** Block medians as recorded (the round is the record's). */
const BlockSchema = z.object({ cycle: z.number().int(), variant: z.string(), runs: z.number().int(), medianMs: z.number() });

/** One round of one model × EP × batch: every precision timed in interleaved blocks, or why the round failed. */
export const TimingRecordSchema = z.object({
  /** `model|ep`. */
  group: z.string(),
  batch: z.number().int().positive(),
  /** 1-based. */
  round: z.number().int().positive(),
  finishedAt: z.string(),
  loadAverage1m: z.number(),
  /** The machine-speed reference (`speed-probe.ts`) just before this round's child started, ms. */
  speedProbeMs: z.number().optional(),
  /** Each precision measured: its latency over this round's samples and their sketch. */
  variants: z.array(
    z.object({
      name: z.string(),
      latency: LatencySchema,
      sketch: z.array(z.number()),
      sessionCreateMs: z.number(),
      /** Energy of this precision's blocks in the round, or why none could be read. */
      energy: EnergySchema.optional(),
      threads: ThreadsSchema.optional(),
    }),
  ),
  blocks: z.array(BlockSchema),
  cycles: z.number().int(),
  /** Precisions that could not be measured in this round, with why. */
  variantErrors: z.array(z.object({ name: z.string(), error: z.string() })),
  /** Set when the whole round failed at this batch (the child crashed, timed out, …). */
  failure: FailureSchema.optional(),
});

/** One line of `facts.jsonl`. */
export type FactsRecord = z.infer<typeof FactsRecordSchema>;
/** One line of `rounds.jsonl`. */
export type TimingRecord = z.infer<typeof TimingRecordSchema>;
/** A child failure. */
export type Failure = z.infer<typeof FailureSchema>;

/** Path of a job's predictions file inside the run dir. */
export function predictionsPath(dir: string, job: { model: string; precision: string; ep: string }): string {
  return join(dir, RUN_FILES.predictions, `${job.model}.${job.precision}.${job.ep}.bin`.replace(/[^A-Za-z0-9_.-]/g, "_"));
}

/** The group of a row: `model|ep`. */
export function groupKey(row: { model: string; ep: string }): string {
  return `${row.model}|${row.ep}`;
}

/** The key of a timing record: `model|ep|batch|round`. */
export function timingKey(r: Pick<TimingRecord, "group" | "batch" | "round">): string {
  return `${r.group}|${r.batch}|${r.round}`;
}

/** True when `path` is non-empty and does not end with a newline (a crash tore its last line). */
async function endsTorn(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, "r");
  } catch {
    return false;
  }
  try {
    const { size } = await file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await file.close();
  }
}

/** Appends `value` as one line; after a torn last line it starts a new line, so the torn fragment never swallows this record. */
async function appendLine(dir: string, file: string, value: unknown): Promise<void> {
  const path = join(dir, file);
  await appendFile(path, ((await endsTorn(path)) ? "\n" : "") + JSON.stringify(value) + "\n");
}

/**
 * The record a line holds: the whole line, else (a record appended onto a torn fragment by an
 * older version) the longest tail that starts with `{` and parses; undefined for a torn line.
 */
export function parseRecordLine<T>(line: string, schema: z.ZodType<T>): T | undefined {
  for (let start = line.indexOf("{"); start >= 0; start = line.indexOf("{", start + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/** Reads an append-only records file: every line that holds a whole record, by key (a later line replaces an earlier one). */
export function parseRecords<T>(text: string, schema: z.ZodType<T>, key: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const record = parseRecordLine(line, schema);
    if (record !== undefined) out.set(key(record), record);
  }
  return out;
}

async function readLines<T>(dir: string, file: string, schema: z.ZodType<T>, key: (t: T) => string): Promise<Map<string, T>> {
  let text = "";
  try {
    text = await readFile(join(dir, file), "utf8");
  } catch {
    return new Map();
  }
  return parseRecords(text, schema, key);
}

/** Appends one facts record. */
export const appendFacts = (dir: string, r: FactsRecord) => appendLine(dir, RUN_FILES.facts, r);
/** Appends one timing record. */
export const appendTiming = (dir: string, r: TimingRecord) => appendLine(dir, RUN_FILES.rounds, r);
/** Reads `facts.jsonl` by row key. */
export const readFacts = (dir: string) => readLines(dir, RUN_FILES.facts, FactsRecordSchema, (r) => r.key);
/** Reads `rounds.jsonl` by {@link timingKey}. */
export const readTimings = (dir: string) => readLines(dir, RUN_FILES.rounds, TimingRecordSchema, timingKey);
