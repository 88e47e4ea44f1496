/**
 * Load-scenario rows (MLPerf Inference's Offline and Server) as `results.json` (schema
 * version 3) and `scenarios.jsonl` hold them, beside the single-stream rows: what a scenario
 * child measured per model × EP × batch, one entry per precision (and, offline, per way of
 * keeping requests in flight).
 */
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** The run directory's append-only file of scenario records (one line per model × EP × batch × scenario). */
export const SCENARIOS_FILE = "scenarios.jsonl";

/** The scenarios `--scenario` takes; `single-stream` is today's rows alone. */
export const SCENARIOS = ["single-stream", "offline", "server"] as const;
/** A `--scenario` value. */
export type Scenario = (typeof SCENARIOS)[number];
/** The scenarios a scenario child measures. */
export type LoadScenario = Exclude<Scenario, "single-stream">;

/**
 * How requests are kept in flight offline: `requests` = N concurrent `run` calls on one
 * session (onnxruntime-node runs each on the calling thread, so they take turns);
 * `sessions` = N sessions of the same file, each in its own worker thread, one request each.
 */
export const OFFLINE_MODES = ["requests", "sessions"] as const;
export type OfflineMode = (typeof OFFLINE_MODES)[number];

/** What a scenario child is told to do (derived from the profile options, `profile/scenario-settings.ts`). */
export const ScenarioSettingsSchema = z.object({
  /** Measuring time of each precision at each in-flight count, ms (split in interleaved blocks). */
  pointMs: z.number().positive(),
  /** One block of one precision, ms. */
  blockMs: z.number().positive(),
  /** Warm-up of each session before its first block, ms. */
  warmupMs: z.number().nonnegative(),
  /** Largest in-flight count tried. */
  maxInFlight: z.number().int().positive(),
  /** A doubling of the in-flight count must raise throughput by more than this fraction for the sweep to go on. */
  minGain: z.number().nonnegative(),
  /** Server: the latency bound the percentile must stay under, ms. */
  latencyBoundMs: z.number().positive(),
  /** Server: the percentile held to the bound, as a fraction (0.99). */
  percentile: z.number().gt(0).lt(1),
  /** Early-stopping confidence (0.95). */
  confidence: z.number().gt(0).lt(1),
  /** Server: arrivals per trial rate are about this long, ms (at least `minQueries`). */
  trialMs: z.number().positive(),
  /** Server: fewest queries in one trial. */
  minQueries: z.number().int().positive(),
  /** Server: the max-rate search stops when its bracket is this narrow (a fraction). */
  rateTolerance: z.number().positive(),
  /** Server: trials at most per precision. */
  maxTrials: z.number().int().positive(),
});
export type ScenarioSettings = z.infer<typeof ScenarioSettingsSchema>;

/** One in-flight count of the offline sweep, for one precision. */
export const OfflinePointSchema = z.object({
  inFlight: z.number().int().positive(),
  /** Requests (runs of one batch) completed. */
  requests: z.number().int(),
  /** Completed requests per second over the blocks' wall time. */
  requestsPerS: z.number(),
  /** requestsPerS × batch. */
  imagesPerS: z.number(),
  /** Median and p99 time of one request from issue to completion, ms. */
  p50Ms: z.number(),
  p99Ms: z.number(),
  /** loadgen's early-stopping estimates of p90 and p99 at the run's confidence, ms (null: too few requests); absent in older records. */
  earlyStoppingP90Ms: z.number().nullable().optional(),
  earlyStoppingP99Ms: z.number().nullable().optional(),
  /**
   * Throughput here over throughput at half as many in flight, paired: both were measured in
   * the same cycles of interleaved blocks (absent at 1 in flight and in older records).
   */
  gainOverHalf: z
    .object({
      speedup: z.number(),
      ci95: z.tuple([z.number(), z.number()]),
      pairs: z.number().int(),
      verdict: z.enum(["faster", "slower", "no clear difference"]),
    })
    .optional(),
});

/** A paired speedup of a precision's throughput over FP32 (interleaved blocks, `measure/paired-estimate.ts`). */
export const ThroughputSpeedupSchema = z.object({
  /** Variant throughput ÷ FP32 throughput at the same in-flight count. */
  speedup: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  pairs: z.number().int(),
  verdict: z.enum(["faster", "slower", "no clear difference"]),
  /** The in-flight count compared (FP32's saturation point). */
  inFlight: z.number().int(),
});

/** Offline result of one precision in one mode. */
export const OfflineVariantSchema = z.object({
  name: z.string(),
  mode: z.enum(OFFLINE_MODES),
  points: z.array(OfflinePointSchema),
  /** Fewest in flight within `minGain` of the highest throughput (the saturation point). */
  bestInFlight: z.number().int(),
  bestImagesPerS: z.number(),
  vsFp32: ThroughputSpeedupSchema.optional(),
  /** `intraOpNumThreads` of each session (0 = ORT's default). */
  intraOpThreads: z.number().int(),
});

/** One tried rate of the server search. */
export const ServerTrialSchema = z.object({
  /** Offered load, requests (batches) per second. */
  ratePerS: z.number(),
  queries: z.number().int(),
  /** Latency from arrival to completion, ms. */
  p50Ms: z.number(),
  p90Ms: z.number(),
  p99Ms: z.number(),
  /** loadgen's early-stopping estimates (null: too few queries). */
  earlyStoppingP90Ms: z.number().nullable(),
  earlyStoppingP99Ms: z.number().nullable(),
  /** Queries over the bound, and h(t) + t the run needed to pass with that many. */
  overBound: z.number().int(),
  neededQueries: z.number().int(),
  passes: z.boolean(),
});

/** Server result of one precision. */
export const ServerVariantSchema = z.object({
  name: z.string(),
  latencyBoundMs: z.number(),
  trials: z.array(ServerTrialSchema),
  /** Highest passing rate, requests per second (0: none passed). */
  maxRatePerS: z.number(),
  /** maxRatePerS × batch. */
  maxImagesPerS: z.number(),
  converged: z.boolean(),
});

/** What a scenario child measured at one batch. */
export const ScenarioBatchResultSchema = z.union([
  z.object({
    scenario: z.literal("offline"),
    variants: z.array(OfflineVariantSchema),
    /** Precisions (or, with `mode`, one way of keeping requests in flight for a precision) that could not be measured. */
    errors: z.array(z.object({ name: z.string(), error: z.string(), mode: z.enum(OFFLINE_MODES).optional() })),
  }),
  z.object({ scenario: z.literal("server"), variants: z.array(ServerVariantSchema), errors: z.array(z.object({ name: z.string(), error: z.string() })) }),
]);
export type ScenarioBatchResult = z.infer<typeof ScenarioBatchResultSchema>;

/** One line of `scenarios.jsonl`: a model × EP × batch × scenario, measured or failed. */
export const ScenarioRecordSchema = z.object({
  /** `model|ep`. */
  group: z.string(),
  batch: z.number().int().positive(),
  scenario: z.enum(["offline", "server"]),
  finishedAt: z.string(),
  /** 1-minute load average when the child finished: on a shared machine, more threads in flight also take a larger share of contended cores. */
  loadAverage1m: z.number().optional(),
  result: ScenarioBatchResultSchema.optional(),
  /** Why nothing was measured (the child crashed, the EP cannot run scenarios…). */
  failure: z.object({ state: z.enum(["skipped", "errored"]), reason: z.string() }).optional(),
  settings: ScenarioSettingsSchema.optional(),
});
export type ScenarioRecord = z.infer<typeof ScenarioRecordSchema>;

/** The key of a scenario record: `model|ep|batch|scenario`. */
export function scenarioKey(r: Pick<ScenarioRecord, "group" | "batch" | "scenario">): string {
  return `${r.group}|${r.batch}|${r.scenario}`;
}

const RowHead = {
  /** `model|precision|ep|batch|scenario` (offline: `|mode` appended). */
  key: z.string(),
  model: z.string(),
  precision: z.string(),
  ep: z.string(),
  batch: z.number().int().positive(),
  finishedAt: z.string(),
  /** 1-minute load average when its child finished (absent in older records). */
  loadAverage1m: z.number().optional(),
};

/** One scenario row of `results.json`: offline or server, measured; or failed. */
export const ScenarioRowSchema = z.union([
  z.object({ ...RowHead, state: z.literal("ok"), scenario: z.literal("offline") }).extend(OfflineVariantSchema.omit({ name: true }).shape),
  z
    .object({ ...RowHead, state: z.literal("ok"), scenario: z.literal("server") })
    .extend(ServerVariantSchema.omit({ name: true }).shape)
    .extend({
      percentile: z.number(),
      confidence: z.number(),
    }),
  z.object({ ...RowHead, state: z.enum(["skipped", "errored"]), scenario: z.enum(["offline", "server"]), reason: z.string() }),
]);
export type ScenarioRow = z.infer<typeof ScenarioRowSchema>;

/** Appends one scenario record to `<dir>/scenarios.jsonl`. */
export async function appendScenario(dir: string, r: ScenarioRecord): Promise<void> {
  await appendFile(join(dir, SCENARIOS_FILE), JSON.stringify(r) + "\n");
}

/** Reads `<dir>/scenarios.jsonl` by {@link scenarioKey} (a later line replaces an earlier one; torn or invalid lines are ignored). */
export async function readScenarios(dir: string): Promise<Map<string, ScenarioRecord>> {
  const out = new Map<string, ScenarioRecord>();
  let text = "";
  try {
    text = await readFile(join(dir, SCENARIOS_FILE), "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = ScenarioRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.set(scenarioKey(parsed.data), parsed.data);
    } catch {
      // torn line from an interrupted write
    }
  }
  return out;
}
