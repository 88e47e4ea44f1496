/**
 * The zod schema of a run directory's `results.json` (schema version 1), the contract
 * between profile/ and reports/. Rows are a union keyed on `state`, like tinybench's
 * `TaskResult`: `ok` (measured), `skipped` (reason + fix) or `errored` (error + exit).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Schema version of `results.json`. */
export const RESULTS_SCHEMA_VERSION = 1;

/** File names inside a run directory. */
export const RUN_FILES = {
  results: "results.json",
  csv: "results.csv",
  jsonl: "results.jsonl",
  plan: "plan.json",
  predictions: "predictions",
  traces: "traces",
  /** One line per measured round of a row (its exact summary and sketch), for pooling and `--resume`. */
  rounds: "rounds.jsonl",
} as const;

/** Latency statistics of one row, milliseconds per `session.run` call. */
export const LatencySchema = z.object({
  samples: z.number().int(),
  mean: z.number(),
  sd: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  /** Distribution-free 95% confidence interval of the median, ms. */
  p50Ci95: z.tuple([z.number(), z.number()]),
  /** Coefficient of variation sd / mean (a ratio, not percent); rare pauses dominate it on µs-scale rows. */
  cv: z.number(),
  /**
   * Robust coefficient of variation 1.4826 × MAD / median (a ratio): what the stability
   * warning uses, so one 6 ms scheduler pause among 5,000 samples of 20 µs does not flag the row.
   */
  robustCv: z.number().optional(),
});

/** Share of kernel time per op type and EP, from ORT's profiler (one short pass). */
export const OpTimeSchema = z.object({
  opType: z.string(),
  provider: z.string(),
  /** Kernel time per inference, ms. */
  ms: z.number(),
  /** Fraction of all kernel time, 0..1. */
  share: z.number(),
  nodes: z.number().int(),
});

/** Fields every row has: what was measured. */
const RowBase = z.object({
  /** `model|precision|ep|batch`, unique in a run. */
  key: z.string(),
  model: z.string(),
  precision: z.string(),
  ep: z.string(),
  batch: z.number().int().positive(),
  onnxPath: z.string(),
  /** ISO time the row finished. */
  finishedAt: z.string(),
});

/** A measured row. */
export const OkRowSchema = RowBase.extend({
  state: z.literal("ok"),
  /** `InferenceSession.create` wall time, ms (per child, same for its rows; median over rounds). */
  sessionCreateMs: z.number(),
  /** First `run` at this batch size (shape change, kernel compile), ms; median over rounds. */
  firstRunMs: z.number(),
  /** Pooled over every round (see `roundP50s`): percentiles weigh each round about equally. */
  latency: LatencySchema,
  /**
   * Median latency of each round, ms, in the order they ran. Rounds are separate child
   * processes spread across the run (`--rounds`), so a change in the machine's speed during
   * the run shows here rather than in one row alone.
   */
  roundP50s: z.array(z.number()).optional(),
  /** Coefficient of variation of `roundP50s` (a ratio): the row's run-to-run repeatability. */
  roundsCv: z.number().optional(),
  /**
   * The smallest of `roundP50s`, ms: the median of the least-disturbed round. On a shared
   * machine it moves less between runs than the pooled p50 (best-of-N, as `timeit` advises),
   * so it suits comparing machines; `latency.p50` stays the typical latency of this run.
   */
  bestRoundP50: z.number().optional(),
  /** Images per second: batch × 1000 / median latency (robust to a busy machine's outliers). */
  throughput: z.number(),
  /** Peak resident set of the child after this row, MiB (VmHWM, see process-rss.ts); the largest over rounds. */
  peakRssMiB: z.number(),
  /** Peak RSS of the child before the session was created, MiB. */
  baselineRssMiB: z.number(),
  /** ORT allocator figures from the profiling pass when the EP reports them, MiB. */
  arena: z.object({ heldMiB: z.number().nullable(), inUsePeakMiB: z.number().nullable() }).nullable(),
  /** Per-op kernel time (only on the row whose batch was profiled, else null). */
  ops: z.array(OpTimeSchema).nullable(),
  /** Test-set top-1 accuracy 0..1 with the number of images, or null (no dataset). */
  accuracy: z.object({ top1: z.number(), count: z.number().int(), dataset: z.string() }).nullable(),
  /** Top-1 agreement with the FP32 model of the same name on the same EP, 0..1 (non-fp32 rows). */
  agreementWithFp32: z.number().nullable(),
  /** Parameters (initializer elements, ConstantOfShape weights included). */
  params: z.number().int(),
  /** Size on disk, bytes: the .onnx file plus its external data files (`model.onnx.data`). */
  sizeBytes: z.number().int(),
  /** Accuracy (percent) per million parameters, or null. */
  accuracyPerMParams: z.number().nullable(),
  /** 1-minute load average when the row finished. */
  loadAverage1m: z.number(),
  warnings: z.array(z.string()),
});

/** A row that could not run here (EP missing, batch not supported by the model). */
export const SkippedRowSchema = RowBase.extend({
  state: z.literal("skipped"),
  reason: z.string(),
  fix: z.string(),
});

/** A row whose child failed (crash, signal, timeout, ORT error). */
export const ErroredRowSchema = RowBase.extend({
  state: z.literal("errored"),
  error: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stderrTail: z.string(),
});

/** One row: a union keyed on `state`. */
export const RowSchema = z.discriminatedUnion("state", [OkRowSchema, SkippedRowSchema, ErroredRowSchema]);

/** Hardware inventory of the machine (systeminformation). */
export const HardwareSchema = z.object({
  hostname: z.string(),
  cpu: z.object({
    model: z.string(),
    cores: z.number().int(),
    threads: z.number().int(),
    /** Selected ISA flags: avx2, avx512f, avx512_vnni, amx_tile… present on this CPU. */
    flags: z.array(z.string()),
    speedGHz: z.number().nullable(),
  }),
  memoryGiB: z.number(),
  gpus: z.array(z.object({ model: z.string(), vendor: z.string(), driver: z.string(), vramMiB: z.number().nullable() })),
  os: z.object({ platform: z.string(), distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
  versions: z.record(z.string(), z.string()),
});

/** An EP as probed at the start of the run. */
export const EpStatusSchema = z.discriminatedUnion("state", [
  z.object({ name: z.string(), state: z.literal("available"), facts: z.record(z.string(), z.string()) }),
  z.object({ name: z.string(), state: z.literal("skipped"), reason: z.string(), fix: z.string() }),
]);

/**
 * One paired comparison of two precisions of a model on one EP and batch (FP32 vs INT8),
 * measured as interleaved blocks so the machine's drift cancels out of the ratio.
 */
export const ComparisonSchema = z.object({
  model: z.string(),
  ep: z.string(),
  batch: z.number().int().positive(),
  /** Precision of the reference side, e.g. `fp32`. */
  baseline: z.string(),
  /** Precision compared with it, e.g. `int8`. */
  variant: z.string(),
  /** Baseline p50 ÷ variant p50 (a ratio) as estimated from paired blocks; > 1: the variant is faster. */
  speedup: z.number(),
  /** 95% confidence interval of {@link speedup} (ratios). */
  ci95: z.tuple([z.number(), z.number()]),
  /** True when the two sides were measured as interleaved pairs (false: separate runs). */
  paired: z.boolean(),
  /** Number of baseline/variant block pairs the estimate rests on. */
  pairs: z.number().int(),
  /** Number of rounds (fresh child processes) the pairs came from. */
  rounds: z.number().int(),
  /** `no clear difference` when the CI covers 1. */
  verdict: z.enum(["faster", "slower", "no clear difference"]),
});

/** Zod schema of `results.json`. */
export const RunResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** True when every planned row has a result. */
  complete: z.boolean(),
  hardware: HardwareSchema,
  eps: z.array(EpStatusSchema),
  settings: z.record(z.string(), z.unknown()),
  stability: z.object({
    loadAverage1m: z.object({ min: z.number(), max: z.number(), mean: z.number() }),
    /** Rows whose robust latency CV (see `robustCv`) exceeded the threshold. */
    highCvRows: z.array(z.string()),
    /** Rows whose round medians varied by more than the threshold (CV of `roundP50s`). */
    highRoundsCvRows: z.array(z.string()).optional(),
    /** Largest `roundsCv` of the run (null with one round). */
    maxRoundsCv: z.number().nullable().optional(),
    /**
     * The machine-speed reference (a pure-JS arithmetic kernel, `speed-probe.ts`) timed
     * before every child, ms: lower is faster. Its spread is the machine's own drift.
     */
    speedProbeMs: z.object({ min: z.number(), median: z.number(), max: z.number(), count: z.number().int() }).nullable().optional(),
    cvThreshold: z.number(),
  }),
  rows: z.array(RowSchema),
  /** Paired FP32-vs-variant speedups (absent in runs measured before pairing). */
  comparisons: z.array(ComparisonSchema).optional(),
});

/** One row of `results.json`. */
export type ResultRow = z.infer<typeof RowSchema>;
/** A measured row. */
export type OkRow = z.infer<typeof OkRowSchema>;
/** Parsed `results.json`. */
export type RunResults = z.infer<typeof RunResultsSchema>;
/** A paired precision comparison (see {@link ComparisonSchema}). */
export type Comparison = z.infer<typeof ComparisonSchema>;
/** Parsed hardware inventory. */
export type Hardware = z.infer<typeof HardwareSchema>;
/** Latency statistics, ms. */
export type Latency = z.infer<typeof LatencySchema>;
/** Per-op time entry. */
export type OpTime = z.infer<typeof OpTimeSchema>;

/** Reads and validates `<dir>/results.json`; the error names the file and the bad key. */
export async function readRunResults(dir: string): Promise<RunResults> {
  const path = join(dir, RUN_FILES.results);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot read "${path}": ${(e as Error).message}. Run npm run profile first.`);
  }
  const parsed = RunResultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid "${path}": ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}
