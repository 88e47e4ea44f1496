/**
 * Trains several models side by side, one child process each (`train-child.ts`), at most
 * `concurrency` at a time. Worth it where training keeps one core busy (the wasm and cpu
 * backends): on a 2-core machine LeNet and basic-cnn train together in the time of the
 * slower one. A terminal gets one progress bar per model; otherwise each child's log lines
 * (one per epoch) are passed on, prefixed with the model. A child that fails does not stop
 * the others; the first failure is thrown once all have ended.
 */
import { tsxExecArgv } from "../measure/index.ts";
import type { BackendChoice, TrainingBackend } from "./backends/index.ts";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import cliProgress from "cli-progress";
import type { BatchProgress } from "./train-loop.ts";
import type { TrainOptionsInput } from "../formats/options/train-options.ts";

/** Memory one training child may take (MNIST in float32 plus the model and tfjs), bytes. */
export const TRAIN_CHILD_BYTES = 1.5 * 2 ** 30;

/**
 * How many models train at once on `backend`, and why: side by side, one child per core,
 * only where the backend keeps one core busy (wasm, cpu) and there are the cores and free
 * memory ({@link TRAIN_CHILD_BYTES} per child); a GPU backend is one device, so models
 * share it one after another; a native CPU backend uses every core already.
 */
export function trainingConcurrency(
  backend: Pick<TrainingBackend, "name" | "singleThreaded" | "gpu">,
  models: number,
  cores: number,
  freeBytes: number,
): { concurrency: number; why: string } {
  if (backend.gpu) return { concurrency: 1, why: `the ${backend.name} backend trains on one GPU: models share it one after another` };
  if (!backend.singleThreaded) return { concurrency: 1, why: `the ${backend.name} backend uses every core: models train one after another` };
  const concurrency = Math.max(1, Math.min(models, cores, Math.floor(freeBytes / TRAIN_CHILD_BYTES)));
  return { concurrency, why: `the ${backend.name} backend keeps one core busy per model; ${cores} cores` };
}

/** What a training child sends its parent. */
export type TrainChildMessage =
  | { readonly kind: "progress"; readonly progress: BatchProgress }
  | { readonly kind: "done"; readonly dir: string; readonly testAccuracy: number }
  | { readonly kind: "error"; readonly message: string };

/** One model trained by a child. */
export interface ParallelTrained {
  readonly label: string;
  /** Model directory written. */
  readonly dir: string;
  /** Test accuracy, 0..1. */
  readonly testAccuracy: number;
}

const CHILD_SCRIPT = fileURLToPath(new URL("./train-child.ts", import.meta.url));

/**
 * Trains each input in its own child, `concurrency` at a time, in input order.
 *
 * @param jobs the models to train, each with the label its lines and bar carry.
 * @param options.concurrency children at once (≥ 1).
 * @param options.log where lines go (a child's stdout, prefixed `[label] `).
 * @param options.bars progress bars on stderr (default: when stderr is a terminal).
 * @param options.quietLine child lines to drop.
 */
export async function trainInParallel(
  jobs: readonly { readonly label: string; readonly input: TrainOptionsInput }[],
  options: {
    readonly concurrency: number;
    readonly log: (line: string) => void;
    readonly bars?: boolean;
    /** Child lines not to pass on (e.g. the backend choice, already said once by the caller). */
    readonly quietLine?: (line: string) => boolean;
    /** The parent's `--backend auto` choice: children adopt it instead of timing the backends again while their siblings train. */
    readonly autoChoice?: BackendChoice;
  },
): Promise<ParallelTrained[]> {
  const bars = options.bars ?? process.stderr.isTTY === true;
  const multi = bars
    ? new cliProgress.MultiBar(
        {
          format: "{label} epoch {epoch} {bar} {percentage}% | loss {loss} acc {acc} | {rate} samples/s | ETA {eta}s",
          hideCursor: true,
          stream: process.stderr,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const width = Math.max(...jobs.map((j) => j.label.length));
  // Over a bar, a line wider than the terminal wraps and the redraw garbles it: clip it.
  const columns = process.stderr.columns ?? 120;
  const log = (line: string): void => (multi ? multi.log(`${line.length > columns ? `${line.slice(0, columns - 1)}…` : line}\x1b[K\n`) : options.log(line));
  const results: (ParallelTrained | undefined)[] = new Array(jobs.length);
  const failures: string[] = [];
  let next = 0;

  const runOne = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const { label, input } = jobs[index]!;
      const bar = multi?.create(1, 0, { label: label.padEnd(width), epoch: "-", loss: "-", acc: "-", rate: "-" });
      const child = fork(CHILD_SCRIPT, [], { execArgv: tsxExecArgv(), stdio: ["ignore", "pipe", "pipe", "ipc"] });
      let stderr = "";
      let pending = "";
      let ended = false;
      child.stdout?.on("data", (chunk: Buffer) => {
        const lines = (pending + chunk.toString("utf8")).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) if (line.trim() && !(options.quietLine?.(line) ?? false)) log(`[${label}] ${line}`);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-4000);
      });
      child.on("message", (m: TrainChildMessage) => {
        if (m.kind === "progress") {
          const p = m.progress;
          bar?.setTotal(p.total);
          bar?.update(p.seen, {
            epoch: `${p.epoch}/${p.lastEpoch}`,
            loss: p.loss.toFixed(4),
            acc: p.accuracy.toFixed(4),
            rate: Math.round(p.samplesPerSecond),
          });
        } else if (m.kind === "done") {
          ended = true;
          results[index] = { label, dir: m.dir, testAccuracy: m.testAccuracy };
        } else {
          ended = true;
          failures.push(`training ${label} failed: ${m.message}`);
        }
      });
      child.on("exit", (code, signal) => {
        if (pending.trim()) log(`[${label}] ${pending}`);
        if (!ended)
          failures.push(
            `training ${label} failed: its child exited (${signal ?? `code ${code}`}) before it finished${stderr.trim() ? `:\n${stderr.trim()}` : ""}`,
          );
        bar?.stop();
        resolve();
      });
      child.send({ input, ...(options.autoChoice ? { autoChoice: options.autoChoice } : {}) });
    });

  const worker = async (): Promise<void> => {
    while (next < jobs.length) await runOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, worker));
  } finally {
    multi?.stop();
  }
  if (failures.length > 0) throw new Error(failures.join("\n"));
  return results as ParallelTrained[];
}
