/**
 * The training-backend table and the resolver that picks one. Like ONNX Runtime's
 * `backend-impl.ts`: a named backend fails with its reason and the valid names; `auto`
 * loads every backend, collecting every failure, times a short training step on each that
 * loaded (time-step.ts) and keeps the fastest (auto-choice.ts).
 */
import { BACKEND_NAMES, type BackendChoice, type BackendName, type BackendTiming, type TrainingBackend } from "./backend.ts";
import { pickFastest } from "./auto-choice.ts";
import { cpuBackend } from "./cpu-backend.ts";
import { timeTrainingStep, timingStepLabel, type StepTiming } from "./time-step.ts";
import { nativeBackend } from "./tfjs-node-backends.ts";
import { wasmBackend } from "./wasm-backend.ts";
import { webgpuBackend } from "./webgpu-backend.ts";

/** The training backends, in the order `auto` loads and times them: tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu. */
export const TRAINING_BACKENDS: readonly TrainingBackend[] = [
  nativeBackend("tfjs-node-gpu"),
  webgpuBackend,
  nativeBackend("tfjs-node"),
  wasmBackend,
  cpuBackend,
];

/** The accepted values of a backend request, in the order error messages list them. */
export const BACKEND_REQUESTS: readonly string[] = ["auto", ...BACKEND_NAMES];

/**
 * Checks a user-typed backend request (e.g. a CLI flag) and narrows it, or throws
 * `Unknown backend "<value>". Expected one of: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu`.
 */
export function parseBackendRequest(value: string): "auto" | BackendName {
  if (!BACKEND_REQUESTS.includes(value)) {
    throw new Error(`Unknown backend "${value}". Expected one of: ${BACKEND_REQUESTS.join(", ")}`);
  }
  return value as "auto" | BackendName;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** How `auto` measures (defaults: the real timed step, software adapters not timed). */
export interface AutoOptions {
  /** Let a software GPU adapter (SwiftShader, lavapipe) be timed and chosen when fastest (default false). */
  readonly allowSoftware?: boolean;
  /** Times the active backend (default {@link timeTrainingStep}); injectable for tests. */
  readonly timer?: (backend: TrainingBackend) => Promise<StepTiming>;
}

/** `auto`'s choice in this process, reused by later `auto` requests (the export stage, parallel-training children). */
let remembered: { allowSoftware: boolean; choice: BackendChoice } | undefined;

/**
 * Makes `choice` (made by `auto` in a parent process) this process's `auto` choice, so a
 * child neither measures again nor measures while its siblings train.
 */
export function adoptAutoChoice(choice: BackendChoice, allowSoftware = false): void {
  remembered = { allowSoftware, choice };
}

/** The `auto` choice made or adopted in this process, if any. */
export function autoChoiceMade(): BackendChoice | undefined {
  return remembered?.choice;
}

/** Loads every backend of `table`, times each that loads, and activates the fastest. */
async function chooseByTiming(table: readonly TrainingBackend[], options: AutoOptions): Promise<BackendChoice> {
  const allowSoftware = options.allowSoftware ?? false;
  const timer = options.timer ?? timeTrainingStep;
  const rejected: { name: BackendName; reason: string }[] = [];
  const timings: BackendTiming[] = [];
  for (const backend of table) {
    try {
      await backend.load();
    } catch (e) {
      rejected.push({ name: backend.name, reason: messageOf(e) });
      continue;
    }
    const adapter = backend.adapter?.();
    const software = adapter?.software === true ? { software: true } : {};
    if (adapter?.software && !allowSoftware) {
      const what = `${adapter.vendor} ${adapter.architecture}`.trim();
      timings.push({
        name: backend.name,
        state: "not-timed",
        reason: `software adapter ${what}, slower than wasm; --backend ${backend.name} uses it`,
        software: true,
      });
      continue;
    }
    try {
      timings.push({ name: backend.name, state: "timed", ...(await timer(backend)), ...software });
    } catch (e) {
      timings.push({ name: backend.name, state: "errored", error: messageOf(e) });
    }
  }
  const picked = pickFastest(timings, allowSoftware);
  const loaded = timings.find((t) => t.state !== "errored");
  if (!picked && !loaded) {
    const failures = [
      ...rejected.map((r) => `  ${r.name}: ${r.reason}`),
      ...timings.map((t) => `  ${t.name}: ${t.state === "errored" ? t.error : "not timed"}`),
    ];
    throw new Error(`No training backend could be loaded:\n${failures.join("\n")}`);
  }
  const name = picked?.name ?? loaded!.name;
  const winner = table.find((b) => b.name === name)!;
  await winner.load();
  const passed = rejected.length ? `; ${rejected.map((r) => r.name).join(", ")} did not load` : "";
  const adapter = winner.adapter?.();
  return {
    name,
    reason: `${picked?.reason ?? `auto: ${name}, the only backend that loaded untimed`}${passed}`,
    rejected,
    timings,
    timingStep: timingStepLabel(),
    ...(adapter ? { adapter } : {}),
  };
}

/**
 * Loads the requested training backend and makes it tfjs's active backend.
 *
 * - `auto`: loads every backend of `table` (recording why each that failed did), times a
 *   short training step on each that loaded and keeps the fastest, a software GPU adapter
 *   only with `options.allowSoftware`; throws, listing every failure, if none loads. The
 *   choice is remembered in this process: a later `auto` reloads the same backend.
 * - a name: loads that one or throws `Backend "<name>" failed to load: <reason>. Valid
 *   backends: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu`.
 * - anything else throws `Unknown backend "<name>". Expected one of: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu`.
 *
 * @param table the backends in the order tried; injectable for tests (default {@link TRAINING_BACKENDS}).
 */
export async function selectBackend(
  request: "auto" | BackendName,
  table: readonly TrainingBackend[] = TRAINING_BACKENDS,
  options: AutoOptions = {},
): Promise<BackendChoice> {
  const expected = BACKEND_REQUESTS.join(", ");
  parseBackendRequest(request);
  if (request === "auto") {
    const reuse = table === TRAINING_BACKENDS && remembered?.allowSoftware === (options.allowSoftware ?? false) ? remembered.choice : undefined;
    const again = reuse && table.find((b) => b.name === reuse.name);
    if (reuse && again) {
      try {
        await again.load();
        return reuse;
      } catch {
        // Measure afresh below.
      }
    }
    const choice = await chooseByTiming(table, options);
    if (table === TRAINING_BACKENDS) remembered = { allowSoftware: options.allowSoftware ?? false, choice };
    return choice;
  }
  const backend = table.find((b) => b.name === request);
  if (!backend) throw new Error(`Backend "${request}" is not in this backend table. Valid backends: ${expected}`);
  try {
    await backend.load();
  } catch (e) {
    throw new Error(`Backend "${request}" failed to load: ${messageOf(e)}. Valid backends: ${expected}`);
  }
  const adapter = backend.adapter?.();
  return { name: backend.name, reason: "requested by name", rejected: [], ...(adapter ? { adapter } : {}) };
}
