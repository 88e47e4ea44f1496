/**
 * Reads back the size of the intra-op pool ONNX Runtime created for a session, since ORT does
 * not report it: on Linux, the process's threads (`/proc/self/task`) counted before and after
 * the session is created. A pool of N threads creates N − 1 (the calling thread is the Nth).
 * The first session of a process also starts one thread of ORT's own, so {@link warmUpOrtThreads}
 * creates and releases a one-thread session first.
 */
import { readdirSync } from "node:fs";
import type * as ort from "onnxruntime-node";
import { probeModel } from "./eps/ort-probe.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";

/** Threads of this process, or null where `/proc/self/task` is not readable (not Linux). */
export function liveThreadCount(): number | null {
  try {
    return readdirSync("/proc/self/task").length;
  } catch {
    return null;
  }
}

/** Pool size from the thread counts around a session's creation: `after − before + 1`, null when unknown or implausible (< 1). */
export function poolSizeFromCounts(before: number | null, after: number | null): number | null {
  if (before === null || after === null) return null;
  const pool = after - before + 1;
  return pool >= 1 ? pool : null;
}

let warmed = false;

/** Creates and releases a one-thread probe session once per process, so later counts see only each session's pool. */
export async function warmUpOrtThreads(options: ort.InferenceSession.SessionOptions = { executionProviders: ["cpu"] }): Promise<void> {
  if (warmed) return;
  const s = await openOrtSession(probeModel(), ortSessionOptions({ intraOpThreads: 1, logLevel: 3 }, options));
  await s.release();
  warmed = true;
}

/** Runs `create` (which makes one session) and reads back that session's pool size (null where unknown). */
export async function withPoolReadBack<T>(create: () => Promise<T>): Promise<{ value: T; poolThreads: number | null }> {
  const before = liveThreadCount();
  const value = await create();
  return { value, poolThreads: poolSizeFromCounts(before, liveThreadCount()) };
}

/** The pool size of a session at ORT's default threads (`intraOpNumThreads: 0`) on the CPU EP, read back; null where unknown. */
export async function readBackOrtDefaultThreads(): Promise<number | null> {
  await warmUpOrtThreads();
  const { value, poolThreads } = await withPoolReadBack(() =>
    openOrtSession(probeModel(), ortSessionOptions({ executionProviders: ["cpu"], intraOpThreads: 0, logLevel: 3 })),
  );
  await value.release();
  return poolThreads;
}
