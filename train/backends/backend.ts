/**
 * The training-backend contract: one small interface per TensorFlow.js backend the
 * harness can train on, in the spirit of ONNX Runtime's `js/common/lib/backend.ts`.
 */

import { BACKEND_NAMES, type BackendName } from "../../formats/enums.ts";

export { BACKEND_NAMES, type BackendName };

/** What the user may ask for: a backend by name, or `auto` (the fastest that loads). */
export type BackendRequest = "auto" | BackendName;

/** One TensorFlow.js backend the training loop can run on. */
export interface TrainingBackend {
  /** The name users select it by. */
  readonly name: BackendName;
  /**
   * True when training on it keeps one core busy (wasm and cpu in Node: no threads), so
   * several models can train side by side in child processes, one per core.
   */
  readonly singleThreaded: boolean;
  /**
   * Imports and registers the backend (and any kernels it needs), then makes it the
   * active one (`tf.setBackend` + `tf.ready`). Throws an error whose message is the
   * reason when it cannot, e.g. the package is not installed.
   */
  load(): Promise<void>;
}

/** The outcome of {@link selectBackend}: the backend now active and why the faster ones were passed over. */
export interface BackendChoice {
  /** The backend that loaded and is now tfjs's active backend. */
  readonly name: BackendName;
  /** Why this one: requested by name, or the fastest that loaded under `auto`. */
  readonly reason: string;
  /** Faster backends tried first under `auto` and why each failed to load, in the order tried. */
  readonly rejected: readonly { readonly name: BackendName; readonly reason: string }[];
}
