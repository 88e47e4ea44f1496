/**
 * Forks one measuring child (`child-main.ts` under tsx), sends it a job, streams its
 * messages and reports how it ended: exit code or signal, whether it timed out or was
 * stopped, and the tail of its stderr for the `errored` row.
 */
import { tsxExecArgv } from "../measure/index.ts";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildJob, ChildMessage } from "./child-protocol.ts";

/** Path of the child entry script. */
export const CHILD_SCRIPT = fileURLToPath(new URL("./child-main.ts", import.meta.url));

/** Characters of stderr kept for an errored row. */
export const STDERR_TAIL_CHARS = 2000;

/** How a child ended. */
export interface ChildExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** True when the child was killed for running past the timeout. */
  readonly timedOut: boolean;
  /** True when the run was stopped (SIGINT) and the child killed for that. */
  readonly stopped: boolean;
  /** True when the child sent `done`. */
  readonly completed: boolean;
  readonly stderrTail: string;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Extra environment for the child (merged over this process's). */
  readonly env: Readonly<Record<string, string>>;
  /** Wall-clock limit, ms. */
  readonly timeoutMs: number;
  /** Called for each message, in order. */
  readonly onMessage: (message: ChildMessage) => void | Promise<void>;
  /** Aborting kills the child (SIGKILL) and resolves with `stopped: true`. */
  readonly signal?: AbortSignal;
  /** Child entry script; default {@link CHILD_SCRIPT} (an EP runner's `childScript`, e.g. the browser child). */
  readonly script?: string;
}

/**
 * Runs `job` in a fresh child process. Never rejects for child failures (see
 * {@link ChildExit}); rejects only when `onMessage` throws (e.g. the run dir is not writable).
 */
export function runChild(job: ChildJob, options: RunChildOptions): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = fork(options.script ?? CHILD_SCRIPT, [], {
      execArgv: tsxExecArgv(),
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let stderr = "";
    let timedOut = false;
    let stopped = false;
    let completed = false;
    let queue = Promise.resolve();
    let handlerError: unknown;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS * 4);
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (process.env.DEBUG) process.stderr.write(chunk);
    });
    child.on("message", (message: ChildMessage) => {
      if (message.type === "done") completed = true;
      queue = queue
        .then(() => options.onMessage(message))
        .catch((e: unknown) => {
          handlerError ??= e;
          child.kill("SIGKILL");
        });
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    const onAbort = () => {
      stopped = true;
      child.kill("SIGKILL");
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.on("error", (e) => {
      stderr += `\n${e.message}`;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      void queue.then(() => {
        if (handlerError) {
          reject(handlerError instanceof Error ? handlerError : new Error(String(handlerError)));
          return;
        }
        resolve({
          exitCode: code,
          signal,
          timedOut,
          stopped,
          completed,
          stderrTail: stripNoise(stderr).slice(-STDERR_TAIL_CHARS),
        });
      });
    });
    child.send(job);
  });
}

/** Drops npm's config warnings and ANSI colours from a stderr tail. */
function stripNoise(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .filter((l) => !/^npm warn /.test(l))
      .join("\n")
      .trim()
  );
}
