/**
 * `npm run profile`: translates flags (and `--config profile.config.json`) into the
 * profile stage's options object and runs it. Flags override the config file.
 */
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import {
  DEFAULT_MEASURE, DEFAULT_ROUNDS, DEFAULT_SUITE, QUICK_MEASURE, noOkRowsMessage, parseBatchList, parsePrecisionList, parseProfileConfig, parseShapes, runProfile,
  type ProfileOptions,
} from "../profile/index.ts";

interface ProfileFlags {
  config?: string;
  models?: string;
  dataset?: string;
  onnx?: string[];
  eps?: string;
  batch?: string;
  precision?: string;
  int8?: string;
  quick?: boolean;
  out?: string;
  shape?: string[];
  resume?: string;
  accuracyLimit?: string;
  dataDir?: string;
  rowBudget?: string;
  rounds?: string;
  childTimeout?: string;
  epochs?: string;
  progress?: boolean;
  report?: boolean;
  wide?: boolean;
}

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new Error(`Invalid ${flag} "${value}": expected a positive integer`);
  return Number(value);
}

async function readConfig(path: string): Promise<ProfileOptions> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot read config "${path}": ${(e as Error).message}`);
  }
  const { measure, ...rest } = parseProfileConfig(raw, path);
  return { ...rest, ...(measure ? { measure } : {}) };
}

/** Builds the stage options from flags over the optional config file. */
export async function profileOptionsFromFlags(flags: ProfileFlags): Promise<ProfileOptions> {
  const o: ProfileOptions = flags.config ? await readConfig(flags.config) : {};
  if (flags.models) o.models = flags.models.split(",").map((s) => s.trim()).filter(Boolean);
  if (flags.dataset) o.dataset = flags.dataset;
  if (flags.onnx?.length) o.onnx = flags.onnx;
  if (flags.eps) o.eps = flags.eps.split(",");
  if (flags.batch !== undefined) o.batches = parseBatchList(flags.batch);
  if (flags.precision) o.precisions = parsePrecisionList(flags.precision);
  if (flags.int8) o.int8 = flags.int8;
  if (flags.quick) o.quick = true;
  if (flags.out) o.out = flags.out;
  if (flags.shape?.length) o.shapes = { ...o.shapes, ...parseShapes(flags.shape) };
  if (flags.resume) o.resume = flags.resume;
  if (flags.accuracyLimit) o.accuracyLimit = positiveInt("--accuracy-limit", flags.accuracyLimit);
  if (flags.dataDir) o.dataDir = flags.dataDir;
  if (flags.rowBudget) o.measure = { ...o.measure, rowBudgetMs: positiveInt("--row-budget", flags.rowBudget) };
  if (flags.rounds) o.rounds = positiveInt("--rounds", flags.rounds);
  if (flags.childTimeout) o.childTimeoutMs = positiveInt("--child-timeout", flags.childTimeout) * 1000;
  if (flags.epochs) o.epochs = positiveInt("--epochs", flags.epochs);
  if (flags.progress === false) o.progress = false;
  if (flags.wide) o.table = "wide";
  return o;
}

/** Registers the `profile` command on the CLI program. */
export function registerProfile(program: Command): void {
  program
    .command("profile")
    .description(
      "Profile ONNX models on every available ONNX Runtime EP: latency, throughput, memory, per-op time, accuracy. " +
        `With no arguments: ${DEFAULT_SUITE.models.join(", ")} on ${DEFAULT_SUITE.dataset} at fp32 and int8, batch 1 and 32 ` +
        "(training and exporting any model that is missing).",
    )
    .option("--config <file>", "profile.config.json with any of the options below (zod-validated); flags override it")
    .option("--models <list>", "zoo models to profile, comma-separated", DEFAULT_SUITE.models.join(","))
    .option("--dataset <name>", "dataset of the zoo models (accuracy uses its test split)", DEFAULT_SUITE.dataset)
    .option("--onnx <files...>", "profile these ONNX files instead of zoo models (foreign models get random inputs)")
    .option("--eps <list>", "execution providers, comma-separated: cpu, cuda, webgpu (onnxruntime-node), browser-wasm, browser-webgpu (onnxruntime-web in headless Chromium) (default: all; unavailable ones become skipped rows)")
    .option("--batch <list>", "batch sizes, comma-separated", "1,32")
    .option("--precision <list>", "precisions: fp32, int8 (tuned), int8-all (every node), int8-dynamic, fp16 (default: fp32,int8 for zoo models; with --onnx each file as it is, and a precision given here is made from the FP32 file or is an error)")
    .option("--int8 <file>", "with --onnx: your own INT8 file, profiled as the int8 of the FP32 file")
    .option("--quick", `short measurement for smoke tests, one round (warm-up ${QUICK_MEASURE.warmupIterations} runs/${QUICK_MEASURE.warmupTimeMs} ms, ` +
      `min ${QUICK_MEASURE.minIterations} runs/${QUICK_MEASURE.minTimeMs} ms, row budget ${QUICK_MEASURE.rowBudgetMs} ms)`)
    .option("--out <dir>", "artifacts root: models in <out>/models, runs in <out>/runs/<timestamp>-<host>/", "artifacts")
    .addOption(new Option("--shape <name=dims...>", "input shape of a foreign model's dynamic dims, e.g. data=1x3x224x224 " +
      "(axis 0 is replaced by each batch size when dynamic; without it dynamic dims default to batch on axis 0, " +
      "3 on axis 1 of a 4-D input, 224 elsewhere)"))
    .option("--resume <run dir>", "complete an interrupted run: runs only the children whose records are missing from its facts.jsonl and rounds.jsonl")
    .option("--accuracy-limit <n>", "test images used for accuracy (default: the full test set, within the accuracy time budget)")
    .option("--data-dir <dir>", "dataset folder passed to the dataset readers")
    .option("--row-budget <ms>", `time budget per row, ms, shared by its rounds: warm-up and measurement shrink to fit (at least one cycle of blocks)`, String(DEFAULT_MEASURE.rowBudgetMs))
    .option("--rounds <n>", "time each model x EP this many times, each in a fresh paired child, spread across the run (every model's round 1, then round 2...), " +
      "and pool them: a process in a slow mode widens the speedup's CI instead of hiding in it (default: 1 with --quick)", String(DEFAULT_ROUNDS))
    .option("--child-timeout <s>", "wall-clock limit per child process (a facts child per model file x EP, a paired child per model x EP x round), seconds", "600")
    .option("--epochs <n>", "training epochs for zoo models that must be trained first (default 1, to keep a fresh run short; models trained before with npm run train are reused)")
    .option("--wide", "print every row (skipped ones too) and every column at the end (about 200 columns) instead of the compact table that fits 120")
    .option("--no-progress", "print one line per row instead of a progress bar")
    .option("--no-report", "do not write report.html / report.md at the end (npm run report -- --run <dir> does it later)")
    .addHelpText("after", [
      "",
      "Measurement (defaults): the precisions of a model on an EP are timed together in one child, in blocks of about " +
        `${DEFAULT_MEASURE.blockMs} ms alternating A B B A (seeded order), after a warm-up of >= ${DEFAULT_MEASURE.warmupIterations} runs and ` +
        `${DEFAULT_MEASURE.warmupTimeMs} ms each; each precision gets >= ${DEFAULT_MEASURE.minTimeMs} ms, ${DEFAULT_MEASURE.minIterations} runs and ` +
        `${DEFAULT_MEASURE.minCycles} cycles over all rounds, cut to the row budget. Speedup = median of per-cycle ratios with a 95% bootstrap CI. ` +
        `Memory, the cold first run, accuracy (within ${DEFAULT_MEASURE.accuracyBudgetMs / 1000} s) and the per-op profile ` +
        `(${DEFAULT_MEASURE.profileIterations} runs) come from a separate child per model file, alone.`,
      "Output: <out>/runs/<timestamp>-<host>/ results.json (schema v2, with comparisons: every speedup and its CI), results.csv, " +
        "comparisons.csv, facts.jsonl and rounds.jsonl (the records, appended as children finish), plan.json.",
      "Ctrl-C keeps what finished and prints the --resume command.",
      "",
      "Examples:",
      "  npm run profile",
      "  npm run profile -- --eps cpu --batch 1,8,32 --quick",
      "  npm run profile -- --onnx model.onnx --shape input=1x3x224x224 --batch 1",
    ].join("\n"))
    .action(async (flags: ProfileFlags, command: Command) => {
      // Defaults shown in --help are applied by the stage; only pass values the user typed.
      const typed = Object.fromEntries(
        Object.entries(flags).filter(([key]) => command.getOptionValueSource(key) !== "default"),
      ) as ProfileFlags;
      const run = await runProfile(await profileOptionsFromFlags(typed));
      if (!run.complete) {
        process.exitCode = 130;
        return;
      }
      const failed = noOkRowsMessage(run.results);
      if (failed) process.exitCode = 1;
      if (flags.report !== false) {
        // The report is a view of results.json: a failure here never loses the run.
        try {
          // The report's roofline needs the EPs' ceilings: measured once per machine and ORT version, then cached.
          const { ensureRunCeilings } = await import("../reports/index.ts");
          await ensureRunCeilings(run.dir, (line) => console.log(line)).catch((e: unknown) => console.error(`ceilings not measured: ${(e as Error).message}`));
          const { writeReport } = await import("../reports/index.ts");
          await writeReport(run.dir, { log: (line) => console.log(line) });
        } catch (e) {
          console.error(`report failed (the run is intact; retry with npm run report -- --run ${run.dir}): ${(e as Error).message}`);
        }
      }
      if (failed) console.error(failed);
    });
}
