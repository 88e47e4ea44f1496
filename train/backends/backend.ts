/**
 * The training-backend contract: one small interface per TensorFlow.js backend the
 * harness can train on, in the spirit of ONNX Runtime's `js/common/lib/backend.ts`.
 */

import { BACKEND_NAMES, type BackendName } from "../../formats/enums.ts";

export { BACKEND_NAMES, type BackendName };

/** What the user may ask for: a backend by name, or `auto` (the fastest that loads, by a timed training step). */
export type BackendRequest = "auto" | BackendName;

/** The GPU adapter a GPU backend trains on, as `train.json` records it (WebGPU's `GPUAdapterInfo` plus how it was found). */
export interface GpuAdapter {
  /** e.g. `nvidia`, `google` (SwiftShader). */
  readonly vendor: string;
  /** e.g. `hopper`, `swiftshader`. */
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a CPU implementation of the GPU API (SwiftShader, lavapipe, llvmpipe): slower than wasm for training. */
  readonly software: boolean;
  /** The Vulkan driver set that served it, e.g. `system Vulkan drivers (...)` or SwiftShader's label. */
  readonly served: string;
  /** Probe environments tried before it and why each gave no adapter. */
  readonly fallbackFrom?: readonly { readonly label: string; readonly reason: string }[];
}

/** One TensorFlow.js backend the training loop can run on. */
export interface TrainingBackend {
  /** The name users select it by. */
  readonly name: BackendName;
  /**
   * True when training on it keeps one core busy (wasm and cpu in Node: no threads), so
   * several models can train side by side in child processes, one per core.
   */
  readonly singleThreaded: boolean;
  /** True when it trains on a GPU: one device, which models share one after another (see train-parallel.ts). */
  readonly gpu: boolean;
  /**
   * Batch size of `auto`'s timed step on this backend, in images, when smaller than the
   * usual one: the pure-JS cpu backend costs the same per image at any batch (no fixed cost
   * per step to amortise) and takes seconds per image.
   */
  readonly timingBatch?: number;
  /**
   * Imports and registers the backend (and any kernels it needs), then makes it the
   * active one (`tf.setBackend` + `tf.ready`). Throws an error whose message is the
   * reason when it cannot, e.g. the package is not installed. Idempotent.
   */
  load(): Promise<void>;
  /** After a successful {@link load}: the GPU adapter it runs on (GPU backends only). */
  adapter?(): GpuAdapter | undefined;
}

/** `auto`'s measurement of one backend that loaded: a short timed training step, or why it was not timed. */
export type BackendTiming =
  | {
      readonly name: BackendName;
      readonly state: "timed";
      /** Training samples per second over the timed steps. */
      readonly samplesPerSecond: number;
      /** Images per step. */
      readonly batchSize: number;
      /** Timed steps (after one untimed warm-up step where the backend has one). */
      readonly steps: number;
      /** Wall time of the timed steps, ms. */
      readonly ms: number;
      /** True for a software GPU adapter (never chosen over a CPU backend unless allowed). */
      readonly software?: boolean;
    }
  | { readonly name: BackendName; readonly state: "not-timed"; readonly reason: string; readonly software?: boolean }
  | { readonly name: BackendName; readonly state: "errored"; readonly error: string };

/** The outcome of {@link selectBackend}: the backend now active and why the others were passed over. */
export interface BackendChoice {
  /** The backend that loaded and is now tfjs's active backend. */
  readonly name: BackendName;
  /** Why this one: requested by name, or the fastest measured under `auto`. */
  readonly reason: string;
  /** Backends tried under `auto` that failed to load and why, in the order tried. */
  readonly rejected: readonly { readonly name: BackendName; readonly reason: string }[];
  /** Under `auto`: every backend that loaded, timed or why not, in the order tried. */
  readonly timings?: readonly BackendTiming[];
  /** The step `auto` timed, e.g. `lenet 28x28x1, batch 128, adam` (with the timings). */
  readonly timingStep?: string;
  /** The GPU adapter, when the chosen backend is a GPU one. */
  readonly adapter?: GpuAdapter;
}
