/**
 * `auto`'s choice from its timings, as a pure function: the fastest timed backend, where a
 * software GPU adapter (SwiftShader, lavapipe) is never chosen unless allowed — it trains
 * slower than wasm on the same cores (and is not even timed then, see registry.ts).
 */
import type { BackendName, BackendTiming } from "./backend.ts";
import { TIMING_STEP } from "./time-step.ts";

/** Samples/s with 3 significant digits (e.g. `556`, `5.21`). */
function rate(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** One timing as the log line and train.json's reason say it. */
export function describeTiming(t: BackendTiming): string {
  if (t.state === "timed") return `${t.name} ${rate(t.samplesPerSecond)} samples/s${t.batchSize === TIMING_STEP.batchSize ? "" : ` (batch ${t.batchSize})`}`;
  if (t.state === "not-timed") return `${t.name} not timed (${t.reason})`;
  return `${t.name} failed its timed step (${t.error})`;
}

/**
 * The fastest timed backend of `timings`, or undefined when none was timed. Software
 * adapters count only with `allowSoftware`, or when nothing else was timed. Ties go to the
 * first in `timings`.
 */
export function pickFastest(timings: readonly BackendTiming[], allowSoftware = false): { name: BackendName; reason: string } | undefined {
  const timed = timings.filter((t) => t.state === "timed");
  const eligible = timed.filter((t) => allowSoftware || !t.software);
  const pool = eligible.length ? eligible : timed;
  let best: (typeof timed)[number] | undefined;
  for (const t of pool) if (!best || t.samplesPerSecond > best.samplesPerSecond) best = t;
  if (!best) return undefined;
  const passedSoftware = timed.filter((t) => t.software && !eligible.includes(t));
  const note = passedSoftware.length ? `; ${passedSoftware.map((t) => t.name).join(", ")} passed over: software adapter` : "";
  return { name: best.name, reason: `auto: fastest timed training step: ${timings.map(describeTiming).join(", ")}${note}` };
}
