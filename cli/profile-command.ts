/**
 * `npm run profile`: translates flags (and `--config profile.config.json`) into the
 * profile stage's options object and runs it. Flags override the config file.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { noOkRowsMessage, recordRunCeilings } from "../profile/index.ts";
import { suitePreparer } from "../pipeline/index.ts";
import { runProfileInTerminal } from "./profile-renderer.ts";
import {
  DEFAULT_MEASURE,
  DEFAULT_ROUNDS,
  DEFAULT_SUITE,
  ProfileOptionsSchema,
  parseProfileConfig,
  type ProfileOptions,
} from "../formats/options/profile-options.ts";
import { defaultOf, int } from "../formats/options/option-schema.ts";
import { addFlags, flagOptions, type Flag } from "./parse-flags.ts";
import { visibleControls } from "../formats/terminal-text.ts";

/** How a default looks as typed on the command line, as the help has always shown it: `"1,32"`. */
function typed(value: string | number | readonly (string | number)[]): string {
  return JSON.stringify(Array.isArray(value) ? value.join(",") : String(value));
}

/** `--child-timeout`'s default, seconds: the options' `childTimeoutMs`. */
const CHILD_TIMEOUT_S = (defaultOf(ProfileOptionsSchema.shape.childTimeoutMs) as number) / 1000;

/** The `profile` flags of {@link ProfileOptionsSchema}'s fields, in `--help` order (`--config` first, `--wide` and `--no-report` are the command's own). */
const PROFILE_FLAGS: readonly Flag[] = [
  { flags: "--models <list>", showDefault: typed(DEFAULT_SUITE.models) },
  { flags: "--dataset <name>", showDefault: typed(DEFAULT_SUITE.dataset) },
  { flags: "--onnx <files...>" },
  { flags: "--eps <list>" },
  { flags: "--batch <list>", key: "batches", showDefault: typed([1, 32]) },
  { flags: "--precision <list>", key: "precisions" },
  { flags: "--int8 <file>" },
  { flags: "--quick" },
  { flags: "--out <dir>", showDefault: typed("artifacts") },
  { flags: "--shape <name=dims...>", key: "shapes" },
  { flags: "--resume <run dir>" },
  { flags: "--accuracy-limit <n>" },
  { flags: "--data-dir <dir>" },
  {
    flags: "--row-budget <ms>",
    key: "rowBudgetMs",
    field: int("row budget"),
    showDefault: typed(DEFAULT_MEASURE.rowBudgetMs),
    help: "time budget per row, ms, shared by its rounds: warm-up and measurement shrink to fit (at least one cycle of blocks)",
  },
  { flags: "--rounds <n>", showDefault: `${DEFAULT_ROUNDS}; 1 with --quick` },
  { flags: "--gpu-batch <list>", key: "gpuBatches", showDefault: typed([256]) },
  {
    flags: "--child-timeout <s>",
    key: "childTimeoutS",
    field: int("child timeout"),
    showDefault: typed(CHILD_TIMEOUT_S),
    help: "wall-clock limit per child process (a facts child per model file x EP, a paired child per model x EP x round), seconds",
  },
  { flags: "--epochs <n>" },
  { flags: "--no-thread-check", key: "threadCheck" },
  { flags: "--scenario <name>", showDefault: typed("single-stream") },
  { flags: "--latency-bound <ms>", key: "latencyBoundMs" },
];
const PROGRESS_FLAG: readonly Flag[] = [
  { flags: "--no-progress", key: "progress" },
  { flags: "--no-report", key: "report" },
];

async function readConfig(path: string): Promise<ProfileOptions> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot read config "${path}": ${(e as Error).message}`);
  }
  return parseProfileConfig(raw, path);
}

/** Builds the stage options from the flags the user typed (see {@link flagOptions}) over the optional config file. */
export async function profileOptionsFromFlags(values: Record<string, unknown>, command?: Command): Promise<ProfileOptions> {
  const config: ProfileOptions = typeof values.config === "string" ? await readConfig(values.config) : {};
  const { rowBudgetMs, childTimeoutS, ...flags } = flagOptions([...PROFILE_FLAGS, ...PROGRESS_FLAG], values, command) as ProfileOptions & {
    rowBudgetMs?: number;
    childTimeoutS?: number;
  };
  return {
    ...config,
    ...flags,
    ...(flags.shapes ? { shapes: { ...config.shapes, ...flags.shapes } } : {}),
    ...(rowBudgetMs !== undefined ? { measure: { ...config.measure, rowBudgetMs } } : {}),
    ...(childTimeoutS !== undefined ? { childTimeoutMs: childTimeoutS * 1000 } : {}),
    ...(values.wide === true ? { table: "wide" as const } : {}),
  };
}

/** Registers the `profile` command on the CLI program. */
export function registerProfile(program: Command): void {
  const command = program
    .command("profile")
    .description(
      "Profile ONNX models on every available ONNX Runtime EP: latency, throughput, memory, per-op time, accuracy. " +
        `With no arguments: ${DEFAULT_SUITE.models.join(", ")} on ${DEFAULT_SUITE.dataset} at fp32 and int8, batch 1 and 32 ` +
        "(training and exporting any model that is missing).",
    )
    .option("--config <file>", "profile.config.json with any of the options below (zod-validated); flags override it");
  addFlags(command, ProfileOptionsSchema.shape, PROFILE_FLAGS, {
    rounds: DEFAULT_ROUNDS,
    rowBudgetMs: DEFAULT_MEASURE.rowBudgetMs,
    childTimeoutS: CHILD_TIMEOUT_S,
  }).option("--wide", "print every row (skipped ones too) and every column at the end (about 200 columns) instead of the compact table that fits 120");
  addFlags(command, ProfileOptionsSchema.shape, PROGRESS_FLAG)
    .addHelpText(
      "after",
      [
        "",
        "Measurement (defaults): the precisions of a model on an EP are timed together in one child, in blocks of about " +
          `${DEFAULT_MEASURE.blockMs} ms alternating A B B A (seeded order), after a warm-up of >= ${DEFAULT_MEASURE.warmupIterations} runs and ` +
          `${DEFAULT_MEASURE.warmupTimeMs} ms each; each precision gets >= ${DEFAULT_MEASURE.minTimeMs} ms, ${DEFAULT_MEASURE.minIterations} runs and ` +
          `${DEFAULT_MEASURE.minCycles} cycles over all rounds, cut to the row budget. Speedup = median of per-cycle ratios with a 95% bootstrap CI. ` +
          `Memory, the cold first run, accuracy (within ${DEFAULT_MEASURE.accuracyBudgetMs / 1000} s) and the per-op profile ` +
          `(${DEFAULT_MEASURE.profileIterations} runs) come from a separate child per model file, alone.`,
        "Output: <out>/runs/<timestamp>-<host>/ results.json (schema v3, with comparisons: every speedup and its CI), results.csv, " +
          "comparisons.csv, facts.jsonl and rounds.jsonl (the records, appended as children finish), plan.json.",
        "Ctrl-C keeps what finished and prints the --resume command.",
        "Load scenarios (MLPerf Inference): --scenario offline adds, per model x EP x batch, images/s at 1, 2, 4, ... requests in flight " +
          "(blocks of each precision interleaved A B B A; the sweep stops when no precision gains 5% from a doubling), both as concurrent runs on one session " +
          "(onnxruntime-node runs them in turn on the calling thread) and as one session per worker thread; --scenario server adds Poisson arrivals on one " +
          "session, latency from arrival, and searches the highest rate whose p99 stays under --latency-bound with 95% confidence (MLPerf loadgen's " +
          "early-stopping rule). Their rows go to results.json's scenarios (schema v3), scenarios.jsonl, one line each at the end, and the report.",
        "Exit status: 0 when at least one row was measured; 1 when no row is ok (every row errored or was skipped) or the options are bad; 130 when stopped by Ctrl-C.",
        "",
        "Examples:",
        "  npm run profile",
        "  npm run profile -- --eps cpu --batch 1,8,32 --quick",
        "  npm run profile -- --onnx model.onnx --shape input=1x3x224x224 --batch 1",
        "  npm run profile -- --scenario offline --eps cpu --models lenet",
        "  npm run profile -- --scenario server --eps cpu --models lenet --latency-bound 5",
      ].join("\n"),
    )
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      // Defaults shown in --help are applied by the stage; only pass values the user typed.
      // The suite's files (trained, exported, quantized when missing) come from pipeline/: profile/ only measures files.
      const run = await runProfileInTerminal(await profileOptionsFromFlags(flags, cmd), undefined, suitePreparer);
      if (!run.complete) {
        process.exitCode = 130;
        return;
      }
      const failed = noOkRowsMessage(run.results);
      if (failed) process.exitCode = 1;
      if (failed && run.report) {
        console.error("no report: no row was measured (the run dir keeps every error)");
      } else if (run.report) {
        // The report is a view of results.json: a failure here never loses the run.
        try {
          // The report's roofline needs the EPs' ceilings: measured once per machine and ORT version, cached, and recorded in the run dir.
          await recordRunCeilings(run.dir, (line) => console.log(visibleControls(line))).catch((e: unknown) =>
            console.error(visibleControls(`ceilings not measured: ${(e as Error).message}`)),
          );
          const { writeReport } = await import("../reports/index.ts");
          await writeReport(run.dir, { log: (line) => console.log(line) });
        } catch (e) {
          console.error(visibleControls(`report failed (the run is intact; retry with npm run report -- --run ${run.dir}): ${(e as Error).message}`));
        }
      }
      if (failed) console.error(visibleControls(failed));
    });
}
