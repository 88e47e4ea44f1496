/**
 * The profile stage's options, declared once as {@link ProfileOptionsSchema}: the `profile`
 * command's flags (`cli/profile-command.ts`), `profile.config.json` ({@link ProfileConfigSchema}),
 * the options types, their defaults (resolved once, in {@link resolveProfileOptions}) and the
 * settings a run records in plan.json and results.json (formats/run/run-settings.ts) all derive from it.
 */
import { z } from "zod";

import { PRECISIONS, type Precision } from "../enums.ts";
import { choice, flagValue, int, intList, list, names, num, optionalFields, parseOptions, paths, shapes } from "./option-schema.ts";
import { visibleControls } from "../terminal-text.ts";
import { DATASET_NAMES } from "../enums.ts";
import { SCENARIOS } from "../run/scenario-schema.ts";

export { PRECISIONS, type Precision };

/** The zoo models and dataset of the default suite. */
export const DEFAULT_SUITE = { models: ["lenet", "basic-cnn", "fcnn"], dataset: "mnist" } as const;

/** How long and how often each row is measured. */
export const MeasureSettingsSchema = z.object({
  /** Warm-up: at least this long, ms. */
  warmupTimeMs: z.number().nonnegative(),
  /** Warm-up: at least this many runs. */
  warmupIterations: z.number().int().nonnegative(),
  /** Measurement: at least this long, ms (and at least `minIterations`). */
  minTimeMs: z.number().nonnegative(),
  /** Measurement: at least this many runs. */
  minIterations: z.number().int().positive(),
  /**
   * Per-row time budget, ms: warm-up and measurement are cut to fit (keeping at least 3
   * samples), so a software WebGPU adapter (~0.7 s per batch-32 run) keeps the run short.
   */
  rowBudgetMs: z.number().positive(),
  /**
   * Target length of one block of back-to-back runs of one variant, ms: the precisions of a
   * model are timed in alternating blocks (A B B A …), so the machine's drift cancels from
   * their ratio; shorter blocks give more pairs, longer ones steadier block medians.
   */
  blockMs: z.number().positive(),
  /** Cycles of blocks (each variant twice) to run at least per batch and round, within the row budget. */
  minCycles: z.number().int().positive(),
  /** Runs of the separate per-op profiling pass (capped by `profileBudgetMs`). */
  profileIterations: z.number().int().nonnegative(),
  /** Time budget of the per-op profiling pass, ms. */
  profileBudgetMs: z.number().nonnegative(),
  /** Time budget for accuracy evaluation per child, ms (evaluates a prefix of the test set when it runs out). */
  accuracyBudgetMs: z.number().nonnegative(),
});

/** How long and how often each row is measured. */
export type MeasureSettings = Readonly<z.output<typeof MeasureSettingsSchema>>;

/** Overrides of some measurement settings (a config file's `measure`). */
export const MeasureOverridesSchema = z.strictObject(optionalFields(MeasureSettingsSchema.shape));

/** Measurement defaults. */
export const DEFAULT_MEASURE: MeasureSettings = {
  warmupTimeMs: 250,
  warmupIterations: 10,
  minTimeMs: 1000,
  minIterations: 30,
  rowBudgetMs: 5000,
  blockMs: 20,
  minCycles: 4,
  profileIterations: 20,
  profileBudgetMs: 2000,
  accuracyBudgetMs: 5_000,
};

/** `--quick` measurement: a smoke test, figures less stable. */
export const QUICK_MEASURE: MeasureSettings = {
  warmupTimeMs: 20,
  warmupIterations: 2,
  minTimeMs: 100,
  minIterations: 5,
  rowBudgetMs: 1500,
  blockMs: 10,
  minCycles: 2,
  profileIterations: 3,
  profileBudgetMs: 500,
  accuracyBudgetMs: 3000,
};

/**
 * Rounds per row by default. Two gives every row a second, independent measurement minutes
 * later (its `roundsCv` says how far a rerun may move) and keeps the default run near 10
 * minutes; a shared host's speed drifts for minutes at a time, so a third round barely
 * helps (README, Repeatability).
 */
export const DEFAULT_ROUNDS = 2;

/** Epochs the profiler trains a missing zoo model for (1 keeps a fresh default run near 10 minutes on 2 cores). */
export const PROFILE_TRAIN_EPOCHS = 1;

/** Options of {@link runProfile}; every field optional. Each field's text is its `--help` line. */
export const ProfileOptionsSchema = z.object({
  /** Zoo models to train/export if missing and profile (ignored with `onnx`). */
  models: names()
    .default([...DEFAULT_SUITE.models])
    .describe("zoo models to profile, comma-separated"),
  /** Dataset of the zoo models. */
  dataset: z
    .string()
    .default(DEFAULT_SUITE.dataset)
    .describe(`dataset of the zoo models (accuracy uses its test split): ${DATASET_NAMES.join(", ")}`),
  /** ONNX files to profile instead of zoo models. */
  onnx: paths().default([]).describe("profile these ONNX files instead of zoo models (foreign models get random inputs)"),
  /** EP names; default every EP in the registry (unavailable ones become skipped rows). */
  eps: names()
    .default([])
    .describe(
      "execution providers, comma-separated: cpu, cuda, webgpu (onnxruntime-node), browser-wasm, browser-webgpu (onnxruntime-web in headless Chromium) (default: all; unavailable ones become skipped rows)",
    ),
  /** Batch sizes. */
  batches: intList("batch size", 1, "positive integers like 1,8,32").default([1, 32]).describe("batch sizes, comma-separated"),
  /**
   * Batch sizes added on GPU EPs that run on a real (not software) adapter: a batch of 32
   * LeNets leaves an H200 idle between launches, so where the device pays shows only above it.
   */
  gpuBatches: intList("GPU batch size", 0, "non-negative integers like 256 (0: none)")
    .default([256])
    .describe("batch sizes added on GPU EPs with a real (not software) adapter, where the device starts to pay (0: none)"),
  /**
   * Precisions; default fp32, int8 for zoo models. With `onnx`: default each file at its own
   * precision; given, a precision a model lacks is made from its FP32 file (quantized and
   * cached, see `pipeline/onnx-precisions.ts`) or is an error.
   */
  precisions: list("precision", PRECISIONS)
    .optional()
    .describe(
      "precisions: fp32, int8 (tuned), int8-all (every node), int8-dynamic, fp16 (default: fp32,int8 for zoo models; with --onnx each file as it is, and a precision given here is made from the FP32 file or is an error)",
    ),
  /** With `onnx`: the user's own INT8 file, profiled as the `int8` of the (one) FP32 file. */
  int8: z.string().optional().describe("with --onnx: your own INT8 file, profiled as the int8 of the FP32 file"),
  /** Short measurement for smoke tests. */
  quick: z
    .boolean()
    .default(false)
    .describe(
      `short measurement for smoke tests, one round (warm-up ${QUICK_MEASURE.warmupIterations} runs/${QUICK_MEASURE.warmupTimeMs} ms, ` +
        `min ${QUICK_MEASURE.minIterations} runs/${QUICK_MEASURE.minTimeMs} ms, row budget ${QUICK_MEASURE.rowBudgetMs} ms)`,
    ),
  /**
   * Also time each precision over the thread ladder (1, 2, 4, … up to the logical CPUs; the rung
   * equal to ORT's default is the default itself) beside ORT's default, in the same paired
   * window, on the CPU EP (on a machine with more than one logical CPU): the run's `threads`
   * comparisons and the report's threads table give each rung's speedup, and each CPU row is
   * the fastest setting. Off: every row is ORT's default.
   */
  threadCheck: z
    .boolean()
    .default(true)
    .describe(
      "on the CPU EP, do not time each precision over the thread ladder (1, 2, 4, … up to the logical CPUs) beside ORT's default; by default they are timed in the same paired window, each CPU row is the fastest setting and the report gives each setting's speedup over ORT's default",
    ),
  /** Write report.html / report.md when the run ends (the CLI does); recorded, so `--resume` keeps `--no-report`. Default true. */
  report: z.boolean().optional().describe("do not write report.html / report.md at the end (npm run report -- --run <dir> does it later); --resume keeps it"),
  /**
   * MLPerf load scenario measured beside the single-stream rows: `offline` (throughput at
   * 1, 2, 4, … requests in flight) or `server` (Poisson arrivals, the highest rate whose p99
   * stays under {@link latencyBoundMs}); `single-stream` (default) is today's rows alone.
   */
  scenario: choice("scenario", SCENARIOS)
    .default("single-stream")
    .describe(
      "MLPerf load scenario: single-stream (one request at a time: the rows of every run), offline (also images/s at 1, 2, 4, ... requests in flight, " +
        "as concurrent runs on one session and as one session per worker thread, until throughput stops rising; FP32 and INT8 interleaved) or " +
        "server (also Poisson arrivals on one session, latency from arrival, and the highest rate whose p99 stays under --latency-bound at 95% confidence by MLPerf's early-stopping rule)",
    ),
  /** Server scenario: the p99 latency bound, ms; default per EP (`profile/scenario-settings.ts`). */
  latencyBoundMs: num("latency bound (ms)", 0, 3_600_000, { exclusiveMin: true })
    .optional()
    .describe("server scenario: p99 latency bound in ms, from arrival (default per EP: cpu 15, cuda 15, webgpu 100; 100 for any other)"),
  /** Artifacts root; run dirs go to `<out>/runs/`. */
  out: z.string().default("artifacts").describe("artifacts root: models in <out>/models, runs in <out>/runs/<timestamp>-<host>/"),
  /** Input shapes for dynamic dims of foreign models, by input name, e.g. `{ data: [1,3,224,224] }`. */
  shapes: shapes()
    .default({})
    .describe(
      "input shape of a foreign model's dynamic dims, e.g. data=1x3x224x224 " +
        "(axis 0 is replaced by each batch size when dynamic; without it dynamic dims default to batch on axis 0, " +
        "3 on axis 1 of a 4-D input, 224 elsewhere)",
    ),
  /** Run dir to complete instead of starting a new one. */
  resume: z.string().optional().describe("complete an interrupted run: runs only the children whose records are missing from its facts.jsonl and rounds.jsonl"),
  /** Test images for accuracy per model (default: the full test set). */
  accuracyLimit: int("accuracy limit").optional().describe("test images used for accuracy (default: the full test set, within the accuracy time budget)"),
  /** Dataset root passed to the dataset readers. */
  dataDir: z.string().optional().describe("dataset folder passed to the dataset readers"),
  /** Overrides of the measurement settings. */
  measure: MeasureOverridesSchema.optional(),
  /** Wall-clock limit per child process, ms. A child past it is killed and errored. */
  childTimeoutMs: int("child timeout (ms)").default(600_000),
  /** Latency CV above which a row gets a warning. */
  cvThreshold: z.number().positive().default(0.1),
  /**
   * Times each row is measured, each in a fresh child process, spread across the run (all
   * jobs' round 1, then all jobs' round 2…); the row pools them. Default
   * {@link DEFAULT_ROUNDS}, 1 with `quick`. The measuring time per row is divided among them.
   */
  rounds: int("rounds", 1, "a positive integer like 3")
    .optional()
    .describe(
      "time each model x EP this many times, each in a fresh paired child, spread across the run (every model's round 1, then round 2...), " +
        "and pool them: a process in a slow mode widens the speedup's CI instead of hiding in it",
    ),
  /**
   * Training epochs for zoo models that must be trained first (pipeline/ passes them to
   * ensureTrained; profile/ never reads them), so a fresh `npm run profile` stays short. Train
   * longer beforehand with `npm run train` and the profiler reuses that model.
   */
  epochs: int("epochs")
    .default(PROFILE_TRAIN_EPOCHS)
    .describe(
      "training epochs for zoo models that must be trained first (default 1, to keep a fresh run short; models trained before with npm run train are reused)",
    ),
  /** Show progress bars (default: when stderr is a TTY). */
  progress: z.boolean().optional().describe("print one line per row instead of a progress bar"),
  /** Print the table at the end. */
  printTable: z.boolean().default(true),
  /** The end-of-run table: `compact` (fits 120 columns) or `wide` (every row and column, about 200 columns). */
  table: z.enum(["compact", "wide"]).default("compact"),
});

/** Log function for status lines; default console.log. */
type Log = { log?: (line: string) => void };

/** Options of {@link runProfile} as the user gives them; every field optional. */
export type ProfileOptions = z.input<typeof ProfileOptionsSchema> & Log;

/** {@link ProfileOptions} with every default resolved. */
export type ResolvedProfileOptions = Readonly<Omit<z.output<typeof ProfileOptionsSchema>, "measure">> & {
  readonly precisions: readonly Precision[];
  readonly measure: MeasureSettings;
  readonly rounds: number;
  readonly progress: boolean;
  readonly log: (line: string) => void;
};

/** Resolves defaults once; validates every option (the error names the bad value and the valid ones). */
export function resolveProfileOptions(input: ProfileOptions = {}): ResolvedProfileOptions {
  const { log, ...rest } = input;
  const o = parseOptions(ProfileOptionsSchema, rest);
  if (o.latencyBoundMs !== undefined && o.scenario !== "server")
    throw new Error(`--latency-bound ${o.latencyBoundMs} applies to the server scenario only; add --scenario server (the scenario is "${o.scenario}")`);
  return {
    ...o,
    batches: [...new Set(o.batches)],
    precisions: o.precisions ?? (o.onnx.length ? [] : ["fp32", "int8"]),
    measure: { ...(o.quick ? QUICK_MEASURE : DEFAULT_MEASURE), ...o.measure },
    rounds: o.rounds ?? (o.quick ? 1 : DEFAULT_ROUNDS),
    progress: o.progress ?? Boolean(process.stderr.isTTY),
    // Status lines carry names from files: control characters are shown, never sent to the terminal.
    log: (line) => (log ?? console.log)(visibleControls(line)),
  };
}

const fields = ProfileOptionsSchema.shape;

/** Parses `--batch 1,8,32`; throws `Invalid batch size "abc": expected positive integers like 1,8,32`. */
export function parseBatchList(text: string): number[] {
  return flagValue(fields.batches, text) as number[];
}

/** Parses `--precision fp32,int8`; the error lists the valid precisions. */
export function parsePrecisionList(text: string): Precision[] {
  return flagValue(fields.precisions, text) as Precision[];
}

/** Parses `--shape name=1x3x224x224` entries into a map; the error names the bad entry. */
export function parseShapes(entries: readonly string[]): Record<string, number[]> {
  return Object.assign({}, ...entries.map((e) => flagValue(fields.shapes, e))) as Record<string, number[]>;
}

/** Zod schema of `profile.config.json`: the options a file may set, every key optional (CLI flags override it). */
export const ProfileConfigSchema = z.strictObject(
  optionalFields(
    ProfileOptionsSchema.pick({
      models: true,
      dataset: true,
      onnx: true,
      eps: true,
      batches: true,
      precisions: true,
      quick: true,
      out: true,
      shapes: true,
      accuracyLimit: true,
      dataDir: true,
      childTimeoutMs: true,
      cvThreshold: true,
      rounds: true,
      epochs: true,
      measure: true,
    }).shape,
  ),
);

/** Parsed `profile.config.json`. */
export type ProfileConfig = z.infer<typeof ProfileConfigSchema>;

/** Validates a parsed config; the error names the file and the bad key. */
export function parseProfileConfig(raw: unknown, path: string): ProfileConfig {
  const parsed = ProfileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue && "keys" in issue && Array.isArray(issue.keys) ? `: ${issue.keys.join(", ")}` : "";
    const where = issue?.path.join(".") || "(root)";
    throw new Error(`Invalid config "${path}": ${where}: ${issue?.message}${keys}`);
  }
  return parsed.data;
}
