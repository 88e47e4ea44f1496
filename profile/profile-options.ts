/**
 * The profile stage's one options object, its defaults (resolved once, in
 * {@link resolveProfileOptions}) and the parsers for the CLI's list flags.
 */
import { z } from "zod";

import { PRECISIONS, type Precision } from "../formats/enums.ts";

export { PRECISIONS, type Precision };

/** The zoo models and dataset of the default suite. */
export const DEFAULT_SUITE = { models: ["lenet", "basic-cnn", "fcnn"], dataset: "mnist" } as const;

/** How long and how often each row is measured. */
export interface MeasureSettings {
  /** Warm-up: at least this long, ms. */
  readonly warmupTimeMs: number;
  /** Warm-up: at least this many runs. */
  readonly warmupIterations: number;
  /** Measurement: at least this long, ms (and at least `minIterations`). */
  readonly minTimeMs: number;
  /** Measurement: at least this many runs. */
  readonly minIterations: number;
  /**
   * Per-row time budget, ms: warm-up and measurement are cut to fit (keeping at least 3
   * samples), so a software WebGPU adapter (~0.7 s per batch-32 run) keeps the run short.
   */
  readonly rowBudgetMs: number;
  /**
   * Target length of one block of back-to-back runs of one variant, ms: the precisions of a
   * model are timed in alternating blocks (A B B A …), so the machine's drift cancels from
   * their ratio; shorter blocks give more pairs, longer ones steadier block medians.
   */
  readonly blockMs: number;
  /** Cycles of blocks (each variant twice) to run at least per batch and round, within the row budget. */
  readonly minCycles: number;
  /** Runs of the separate per-op profiling pass (capped by `profileBudgetMs`). */
  readonly profileIterations: number;
  /** Time budget of the per-op profiling pass, ms. */
  readonly profileBudgetMs: number;
  /** Time budget for accuracy evaluation per child, ms (evaluates a prefix of the test set when it runs out). */
  readonly accuracyBudgetMs: number;
}

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

/** Options of {@link runProfile} as the user gives them; every field optional. */
export interface ProfileOptions {
  /** Zoo models to train/export if missing and profile; default lenet, basic-cnn, fcnn (ignored with `onnx`). */
  models?: string[];
  /** Dataset of the zoo models; default `mnist`. */
  dataset?: string;
  /** ONNX files to profile instead of zoo models. */
  onnx?: string[];
  /** EP names; default every EP in the registry (unavailable ones become skipped rows). */
  eps?: string[];
  /** Batch sizes; default [1, 32]. */
  batches?: number[];
  /**
   * Precisions; default fp32, int8 for zoo models. With `onnx`: default each file at its own
   * precision; given, a precision a model lacks is made from its FP32 file (quantized and
   * cached, see `onnx-precisions.ts`) or is an error.
   */
  precisions?: Precision[];
  /** With `onnx`: the user's own INT8 file, profiled as the `int8` of the (one) FP32 file. */
  int8?: string;
  /** Short measurement for smoke tests. */
  quick?: boolean;
  /** Artifacts root; run dirs go to `<out>/runs/`. Default `artifacts`. */
  out?: string;
  /** Input shapes for dynamic dims of foreign models, by input name, e.g. `{ data: [1,3,224,224] }`. */
  shapes?: Record<string, number[]>;
  /** Run dir to complete instead of starting a new one. */
  resume?: string;
  /** Test images for accuracy per model (default: the full test set). */
  accuracyLimit?: number;
  /** Dataset root passed to the dataset readers. */
  dataDir?: string;
  /** Overrides of the measurement settings. */
  measure?: Partial<MeasureSettings>;
  /** Wall-clock limit per child process, ms; default 600000. A child past it is killed and errored. */
  childTimeoutMs?: number;
  /** Latency CV above which a row gets a warning; default 0.1. */
  cvThreshold?: number;
  /**
   * Times each row is measured, each in a fresh child process, spread across the run (all
   * jobs' round 1, then all jobs' round 2…); the row pools them. Default
   * {@link DEFAULT_ROUNDS}, 1 with `quick`. The measuring time per row is divided among them.
   */
  rounds?: number;
  /**
   * Training epochs for zoo models that must be trained first (passed to ensureTrained);
   * default {@link PROFILE_TRAIN_EPOCHS}, so a fresh `npm run profile` stays short. Train
   * longer beforehand with `npm run train` and the profiler reuses that model.
   */
  epochs?: number;
  /** Show progress bars (default: when stderr is a TTY). */
  progress?: boolean;
  /** Print the table at the end (default true). */
  printTable?: boolean;
  /** The end-of-run table: `compact` (default; fits 120 columns) or `wide` (every row and column, about 200 columns). */
  table?: "compact" | "wide";
  /** Log function for status lines; default console.log. */
  log?: (line: string) => void;
}

/**
 * Rounds per row by default. Two gives every row a second, independent measurement minutes
 * later (its `roundsCv` says how far a rerun may move) and keeps the default run near 10
 * minutes; a shared host's speed drifts for minutes at a time, so a third round barely
 * helps (README, Repeatability).
 */
export const DEFAULT_ROUNDS = 2;

/** Epochs the profiler trains a missing zoo model for (1 keeps a fresh default run near 10 minutes on 2 cores). */
export const PROFILE_TRAIN_EPOCHS = 1;

/** {@link ProfileOptions} with every default resolved. */
export interface ResolvedProfileOptions {
  readonly models: readonly string[];
  readonly dataset: string;
  readonly onnx: readonly string[];
  readonly eps: readonly string[];
  readonly batches: readonly number[];
  readonly precisions: readonly Precision[];
  readonly int8: string | undefined;
  readonly quick: boolean;
  readonly out: string;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly resume: string | undefined;
  readonly accuracyLimit: number | undefined;
  readonly dataDir: string | undefined;
  readonly measure: MeasureSettings;
  readonly childTimeoutMs: number;
  readonly cvThreshold: number;
  readonly rounds: number;
  readonly epochs: number;
  readonly progress: boolean;
  readonly printTable: boolean;
  readonly table: "compact" | "wide";
  readonly log: (line: string) => void;
}

/** Resolves defaults once; validates batches and precisions. */
export function resolveProfileOptions(o: ProfileOptions = {}): ResolvedProfileOptions {
  const batches = o.batches ?? [1, 32];
  for (const b of batches) {
    if (!Number.isInteger(b) || b <= 0) throw new Error(batchError(String(b)));
  }
  const precisions = o.precisions ?? (o.onnx?.length ? [] : ["fp32", "int8"]);
  for (const p of precisions) parsePrecisionList(p);
  const quick = o.quick ?? false;
  if (o.rounds !== undefined && (!Number.isInteger(o.rounds) || o.rounds <= 0)) {
    throw new Error(`Invalid rounds "${String(o.rounds)}": expected a positive integer like 3`);
  }
  return {
    models: o.models ?? [...DEFAULT_SUITE.models],
    dataset: o.dataset ?? DEFAULT_SUITE.dataset,
    onnx: o.onnx ?? [],
    eps: o.eps ?? [],
    batches: [...new Set(batches)],
    precisions,
    int8: o.int8,
    quick,
    out: o.out ?? "artifacts",
    shapes: o.shapes ?? {},
    resume: o.resume,
    accuracyLimit: o.accuracyLimit,
    dataDir: o.dataDir,
    measure: { ...(quick ? QUICK_MEASURE : DEFAULT_MEASURE), ...o.measure },
    childTimeoutMs: o.childTimeoutMs ?? 600_000,
    cvThreshold: o.cvThreshold ?? 0.1,
    rounds: o.rounds ?? (quick ? 1 : DEFAULT_ROUNDS),
    epochs: o.epochs ?? PROFILE_TRAIN_EPOCHS,
    progress: o.progress ?? Boolean(process.stderr.isTTY),
    printTable: o.printTable ?? true,
    table: o.table ?? "compact",
    log: o.log ?? ((line) => console.log(line)),
  };
}

function batchError(value: string): string {
  return `Invalid batch size "${value}": expected positive integers like 1,8,32`;
}

/** Parses `--batch 1,8,32`; throws `Invalid batch size "abc": expected positive integers like 1,8,32`. */
export function parseBatchList(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) <= 0) throw new Error(batchError(p));
    return Number(p);
  });
}

/** Parses `--precision fp32,int8`; the error lists the valid precisions. */
export function parsePrecisionList(text: string): Precision[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((p) => {
    if (!(PRECISIONS as readonly string[]).includes(p)) {
      throw new Error(`Unknown precision "${p}". Expected one of: ${PRECISIONS.join(", ")}`);
    }
    return p as Precision;
  });
}

/** Parses `--shape name=1x3x224x224` entries into a map; the error names the bad entry. */
export function parseShapes(entries: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const entry of entries) {
    const m = /^(.+)=(\d+(?:x\d+)*)$/.exec(entry.trim());
    if (!m || !m[1] || !m[2] || m[2].split("x").some((d) => Number(d) <= 0)) {
      throw new Error(`Invalid shape "${entry}": expected name=dims with positive dims, like data=1x3x224x224`);
    }
    out[m[1]] = m[2].split("x").map(Number);
  }
  return out;
}

/** Zod schema of `profile.config.json` (every key optional; CLI flags override it). */
export const ProfileConfigSchema = z.strictObject({
  models: z.array(z.string()).optional(),
  dataset: z.string().optional(),
  onnx: z.array(z.string()).optional(),
  eps: z.array(z.string()).optional(),
  batches: z.array(z.number().int().positive()).optional(),
  precisions: z.array(z.enum(PRECISIONS)).optional(),
  quick: z.boolean().optional(),
  out: z.string().optional(),
  shapes: z.record(z.string(), z.array(z.number().int().positive())).optional(),
  accuracyLimit: z.number().int().positive().optional(),
  dataDir: z.string().optional(),
  childTimeoutMs: z.number().int().positive().optional(),
  cvThreshold: z.number().positive().optional(),
  rounds: z.number().int().positive().optional(),
  epochs: z.number().int().positive().optional(),
  measure: z.strictObject({
    warmupTimeMs: z.number().nonnegative().optional(),
    warmupIterations: z.number().int().nonnegative().optional(),
    minTimeMs: z.number().nonnegative().optional(),
    minIterations: z.number().int().positive().optional(),
    rowBudgetMs: z.number().positive().optional(),
    blockMs: z.number().positive().optional(),
    minCycles: z.number().int().positive().optional(),
    profileIterations: z.number().int().nonnegative().optional(),
    profileBudgetMs: z.number().nonnegative().optional(),
    accuracyBudgetMs: z.number().nonnegative().optional(),
  }).optional(),
});

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
