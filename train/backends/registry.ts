/**
 * The training-backend table, in speed order, and the resolver that picks one. Like ONNX
 * Runtime's `backend-impl.ts`: `auto` walks the table and collects every failure, a
 * named backend fails with its reason and the valid names.
 */
import { BACKEND_NAMES, type BackendChoice, type BackendName, type TrainingBackend } from "./backend.ts";
import { cpuBackend } from "./cpu-backend.ts";
import { nativeBackend } from "./tfjs-node-backends.ts";
import { wasmBackend } from "./wasm-backend.ts";

/** The training backends, fastest first: tfjs-node-gpu, tfjs-node, wasm, cpu. */
export const TRAINING_BACKENDS: readonly TrainingBackend[] = [nativeBackend("tfjs-node-gpu"), nativeBackend("tfjs-node"), wasmBackend, cpuBackend];

/** The accepted values of a backend request, in the order error messages list them. */
export const BACKEND_REQUESTS: readonly string[] = ["auto", ...BACKEND_NAMES];

/**
 * Checks a user-typed backend request (e.g. a CLI flag) and narrows it, or throws
 * `Unknown backend "<value>". Expected one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu`.
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

/**
 * Loads the requested training backend and makes it tfjs's active backend.
 *
 * - `auto`: tries `table` in order and keeps the first that loads, recording why each
 *   faster one failed in `rejected`; throws, listing every failure, if none loads.
 * - a name: loads that one or throws `Backend "<name>" failed to load: <reason>. Valid
 *   backends: auto, tfjs-node-gpu, tfjs-node, wasm, cpu`.
 * - anything else throws `Unknown backend "<name>". Expected one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu`.
 *
 * @param table the backends in speed order; injectable for tests (default {@link TRAINING_BACKENDS}).
 */
export async function selectBackend(request: "auto" | BackendName, table: readonly TrainingBackend[] = TRAINING_BACKENDS): Promise<BackendChoice> {
  const expected = BACKEND_REQUESTS.join(", ");
  parseBackendRequest(request);
  if (request === "auto") {
    const rejected: { name: BackendName; reason: string }[] = [];
    for (const backend of table) {
      try {
        await backend.load();
      } catch (e) {
        rejected.push({ name: backend.name, reason: messageOf(e) });
        continue;
      }
      const passed = rejected.length ? ` (${rejected.map((r) => r.name).join(", ")} did not load)` : "";
      return { name: backend.name, reason: `auto: fastest backend that loaded${passed}`, rejected };
    }
    throw new Error(`No training backend could be loaded:\n${rejected.map((r) => `  ${r.name}: ${r.reason}`).join("\n")}`);
  }
  const backend = table.find((b) => b.name === request);
  if (!backend) throw new Error(`Backend "${request}" is not in this backend table. Valid backends: ${expected}`);
  try {
    await backend.load();
  } catch (e) {
    throw new Error(`Backend "${request}" failed to load: ${messageOf(e)}. Valid backends: ${expected}`);
  }
  return { name: backend.name, reason: "requested by name", rejected: [] };
}
