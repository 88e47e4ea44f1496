/**
 * The zod schema of a run directory's `results.json` (schema version 3), the contract
 * between profile/ and reports/. Rows are a union keyed on `state`, like tinybench's
 * `TaskResult`: `ok` (measured), `skipped` (reason + fix) or `errored` (error + exit).
 * `comparisons` holds every speedup with its 95% interval: precisions of one model on one
 * EP measured as interleaved pairs, EPs against the CPU EP unpaired. `scenarios` (version 3)
 * holds the load-scenario rows (`scenario-schema.ts`) beside them. Version-1 files (before
 * pairing) and version-2 files (before scenarios) still load: {@link readRunResults} upgrades them.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EnergySchema } from "./energy-schema.ts";
import { ProfileSettingsSchema } from "./run-settings.ts";
import { ScenarioRowSchema } from "./scenario-schema.ts";

/** Schema version of `results.json`. */
export const RESULTS_SCHEMA_VERSION = 3;

/** File names inside a run directory. */
export const RUN_FILES = {
  results: "results.json",
  csv: "results.csv",
  jsonl: "results.jsonl",
  plan: "plan.json",
  /** One line per model file × EP × batch: its isolated facts (memory, first run, accuracy), append-only. */
  facts: "facts.jsonl",
  /** Written by version-1 runs (one row per line); read only to say such a run cannot be resumed. */
  predictions: "predictions",
  traces: "traces",
  /** One line per model × EP × batch × round: every precision's latency and the paired block medians, append-only. */
  rounds: "rounds.jsonl",
  /** The speedups with their intervals, one line each (also in `results.json`). */
  comparisonsCsv: "comparisons.csv",
  /** The machine's measured ceilings per EP when the run finished, for the report's roofline (`run-ceilings.ts`); absent in older runs. */
  ceilings: "ceilings.json",
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

/** Kinds of {@link WarningSchema} a row can carry. */
export const WARNING_CODES = [
  "high-cv",
  "rounds-differ",
  "round-failed",
  "accuracy-skipped",
  "ops-failed",
  "legacy",
  "software-adapter",
  "input-default",
  "generated-calibration",
] as const;

/**
 * A typed warning: `code` for programs, `figures` (numbers, units in their names) for
 * tables, `text` for people. No reader parses `text`.
 */
export const WarningSchema = z.object({
  code: z.enum(WARNING_CODES),
  text: z.string(),
  figures: z.record(z.string(), z.number()),
});

/**
 * A speedup with its 95% interval. `kind: "precision"`: `variant` (e.g. int8) over
 * `baseline` (fp32) on one EP, measured as interleaved pairs in the same processes
 * (`paired: true`). `kind: "ep"`: EP `variant` over EP `baseline` (cpu) at one precision,
 * measured in different processes (`paired: false`).
 */
export const ComparisonSchema = z.object({
  /**
   * `precision`: a precision over FP32, paired; `ep`: an EP over the CPU EP, unpaired;
   * `threads`: a precision's session at N intra-op threads (variant `<precision>@<N>t`, one
   * per rung of the thread ladder) over the same file at ORT's default threads (baseline
   * `<precision>`), paired (the thread check).
   * `transfer`: a GPU row end to end (baseline `<precision>`) over its device-resident copy
   * (variant `<precision>@device`: inputs made and outputs summed on the device), paired.
   */
  kind: z.enum(["precision", "ep", "threads", "transfer"]),
  model: z.string(),
  /** The EP of both sides (precision, threads), or the variant's EP (ep). */
  ep: z.string(),
  /** The precision of both sides (ep, threads), or the variant's precision (precision). */
  precision: z.string(),
  batch: z.number().int().positive(),
  baseline: z.string(),
  variant: z.string(),
  /** Baseline time ÷ variant time, from the block medians (> 1: the variant is faster). */
  speedup: z.number(),
  /** 95% bootstrap interval of `speedup` (rounds, then cycles or blocks within them). */
  ci95: z.tuple([z.number(), z.number()]),
  paired: z.boolean(),
  /** Paired cycles behind the estimate (unpaired: blocks on the smaller side). */
  pairs: z.number().int(),
  rounds: z.number().int(),
  /** `faster` when the interval lies above 1, `slower` below, else `no clear difference`. */
  verdict: z.enum(["faster", "slower", "no clear difference"]),
});

/** Memory a row's model holds on the GPU, MiB, and how it was read. */
export const GpuMemorySchema = z.object({
  mib: z.number(),
  /** `process`: nvidia-smi's per-process used memory of the model's own child; `device-delta`: the GPU's memory.used after the first runs minus before the session (whole device: other processes count). */
  source: z.enum(["process", "device-delta"]),
});

/** The intra-op thread settings a row was timed with. */
export const ThreadsSchema = z.object({
  /** `intraOpNumThreads` requested; 0 = ONNX Runtime's default (one thread per physical core). */
  requested: z.number().int(),
  /** Logical CPUs of the machine (the default pool has at most this many threads). */
  logicalCpus: z.number().int(),
  /** Whether the pool's threads spin after a run (the profiler turns it off: sessions take turns in one process). */
  spinning: z.boolean(),
  /** Threads of the intra-op pool ORT used, the calling thread included (never 0); absent in runs made before it was resolved. */
  used: z.number().int().positive().optional(),
  /** Where `used` comes from: `read back` (threads the session created, Linux), `requested`, or `predicted` (ORT's rule on the CPU topology). */
  usedFrom: z.enum(["read back", "requested", "predicted"]).optional(),
  /** `interOpNumThreads` requested (0 = ORT's default; unused in the sequential execution mode). */
  interOp: z.number().int().optional(),
  /** ORT's execution mode: `sequential` (ORT's default) or `parallel`. */
  executionMode: z.enum(["sequential", "parallel"]).optional(),
  /** ORT's default intra-op pool size on this machine (what `requested: 0` gives). */
  ortDefault: z.number().int().positive().optional(),
  /** The intra-op settings (pool sizes) timed side by side for this row; the row is the fastest of them (thread ladder, CPU EP). */
  ladder: z.array(z.number().int().positive()).optional(),
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
  /**
   * Per round, the medians of this row's blocks of back-to-back runs, ms (`--rounds`
   * entries): what an unpaired comparison with another run or EP resamples.
   */
  roundBlockMedians: z.array(z.array(z.number())).optional(),
  /** Images per second: batch × 1000 / median latency (robust to a busy machine's outliers). */
  throughput: z.number(),
  /** Peak resident set of the model's own child after this batch's first runs, MiB (VmHWM, see process-rss.ts). */
  peakRssMiB: z.number(),
  /** Peak RSS of the child before the session was created, MiB. */
  baselineRssMiB: z.number(),
  /**
   * GPU rows: the model's time on the device (its device-resident copy's median, ms: data made
   * and summed on the device, so no host transfer) and the share of the end-to-end time spent
   * on transfer and synchronisation (1 − device ÷ end to end) with its paired 95% interval.
   */
  onDevice: z.object({ p50Ms: z.number(), transferShare: z.number(), transferShareCi95: z.tuple([z.number(), z.number()]) }).optional(),
  /** GPU memory the model's own child held after this batch's first runs (GPU EPs where nvidia-smi answers), MiB, and how it was read. */
  gpuMemory: GpuMemorySchema.optional(),
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
  warnings: z.array(WarningSchema),
  /**
   * Energy of the row's timed blocks from the hardware's counters (RAPL, nvidia-smi), idle
   * baseline subtracted, or why none could be read (latest round); absent when not metered.
   */
  energy: EnergySchema.optional(),
  /** The intra-op thread settings it was timed with (absent in runs before they were recorded). */
  threads: ThreadsSchema.optional(),
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
  gpus: z.array(
    z.object({
      model: z.string(),
      vendor: z.string(),
      driver: z.string(),
      vramMiB: z.number().nullable(),
      /** NVIDIA GPUs, from nvidia-smi: max SM and memory clocks (MHz), power limit (W), PCIe link (max and now), the driver's CUDA version. */
      nvidia: z
        .object({
          smClockMHz: z.number().nullable(),
          memClockMHz: z.number().nullable(),
          powerLimitW: z.number().nullable(),
          pcie: z.object({ genMax: z.number().nullable(), widthMax: z.number().nullable(), genNow: z.number().nullable(), widthNow: z.number().nullable() }),
          cudaDriverVersion: z.string().nullable(),
          /** Fields the driver refused, with its words. */
          refused: z.record(z.string(), z.string()),
        })
        .optional(),
    }),
  ),
  os: z.object({ platform: z.string(), distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
  versions: z.record(z.string(), z.string()),
});

/** An EP as probed at the start of the run. */
export const EpStatusSchema = z.discriminatedUnion("state", [
  z.object({ name: z.string(), state: z.literal("available"), facts: z.record(z.string(), z.string()) }),
  z.object({ name: z.string(), state: z.literal("skipped"), reason: z.string(), fix: z.string() }),
]);

/** Zod schema of `results.json`. */
export const RunResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  /** Set when the file on disk had an older schema version and was upgraded on reading. */
  upgradedFrom: z.number().int().optional(),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** True when every planned row has a result. */
  complete: z.boolean(),
  hardware: HardwareSchema,
  eps: z.array(EpStatusSchema),
  /** The run's recorded profile options, copied from plan.json. */
  settings: ProfileSettingsSchema,
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
  comparisons: z.array(ComparisonSchema),
  /** Load-scenario rows (`--scenario offline|server`), beside the single-stream `rows`; absent or empty without them. */
  scenarios: z.array(ScenarioRowSchema).optional(),
});

/** One row of `results.json`. */
export type ResultRow = z.infer<typeof RowSchema>;
/** A measured row. */
export type OkRow = z.infer<typeof OkRowSchema>;
/** Parsed `results.json`. */
export type RunResults = z.infer<typeof RunResultsSchema>;
/** A typed row warning. */
export type Warning = z.infer<typeof WarningSchema>;
/** Thread settings of a row. */
export type RowThreads = z.infer<typeof ThreadsSchema>;
/** A speedup with its interval. */
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
    // A run dir keeps its records: results.json is rebuilt from them in seconds.
    const fix = existsSync(join(dir, RUN_FILES.plan)) ? `Rebuild it from the run's records: npm run profile -- --resume ${dir}` : "Run npm run profile first.";
    throw new Error(`Cannot read "${path}": ${(e as Error).message}. ${fix}`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "number" && version > RESULTS_SCHEMA_VERSION) {
    throw new Error(
      `"${path}" was made by a newer version of the harness (results schema ${version}; this one reads up to ${RESULTS_SCHEMA_VERSION}). Update the harness (git pull, then npm install) to read it.`,
    );
  }
  const parsed = RunResultsSchema.safeParse(upgradeResults(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid "${path}": ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Upgrades an older `results.json` to the current version. Version 1 (before paired
 * measurement): string warnings become `legacy` warnings and `comparisons` is empty (version 1
 * kept no block medians; readers fall back to the ratio of the two rows' medians, marked
 * unpaired). Version 2 (before load scenarios): `scenarios` is empty. Anything else passes
 * through unchanged, for the schema to judge.
 */
export function upgradeResults(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version !== 1 && version !== 2) return raw;
  let upgraded = raw as Record<string, unknown>;
  if (version === 1) {
    const v1 = raw as { rows?: unknown };
    const rows = Array.isArray(v1.rows)
      ? v1.rows.map((r: unknown) => {
          const row = r as { state?: unknown; warnings?: unknown };
          if (row.state !== "ok" || !Array.isArray(row.warnings)) return r;
          return { ...row, warnings: row.warnings.map((w: unknown) => (typeof w === "string" ? { code: "legacy", text: w, figures: {} } : w)) };
        })
      : v1.rows;
    upgraded = { ...upgraded, rows, comparisons: [] };
  }
  return { ...upgraded, schemaVersion: RESULTS_SCHEMA_VERSION, upgradedFrom: version, scenarios: [] };
}
