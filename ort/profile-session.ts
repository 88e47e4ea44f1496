/** Profiling a session with ORT's own profiler: the trace written to a temporary directory, read, and removed. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import { openOrtSession } from "./open-session.ts";
import { readOrtTrace, type OrtTraceEvent } from "./profile-trace.ts";
import { ortSessionOptions, type OrtSessionSettings } from "./session-options.ts";

/**
 * Opens a session of `model` with `settings` and ORT's profiler on, runs `body` on it, ends
 * profiling, releases the session and returns the trace's events ([] when ORT wrote none).
 * The trace lives in a temporary directory, removed before this resolves.
 */
export async function profileOrtSession(
  model: string | Uint8Array,
  settings: OrtSessionSettings,
  body: (session: ort.InferenceSession) => Promise<void>,
): Promise<OrtTraceEvent[]> {
  const dir = await mkdtemp(join(tmpdir(), "ort-profile-"));
  try {
    const prefix = join(dir, "trace");
    const session = await openOrtSession(model, ortSessionOptions({ ...settings, profileFilePrefix: prefix }));
    try {
      await body(session);
      session.endProfiling();
    } finally {
      await session.release();
    }
    return (await readOrtTrace(prefix, { remove: false })) ?? [];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
