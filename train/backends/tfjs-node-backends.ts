/**
 * The native backends: `@tensorflow/tfjs-node` (CPU, libtensorflow) and
 * `@tensorflow/tfjs-node-gpu` (CUDA). Both are optionalDependencies whose install
 * downloads libtensorflow from Google's storage, so they are imported dynamically and a
 * missing package becomes a reason, never an import-time crash.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendName, TrainingBackend } from "./backend.ts";

/** The package behind each native backend and what its install needs. */
const NATIVE = {
  "tfjs-node": { pkg: "@tensorflow/tfjs-node", needs: "libtensorflow" },
  "tfjs-node-gpu": { pkg: "@tensorflow/tfjs-node-gpu", needs: "libtensorflow's GPU build (CUDA 11.2, cuDNN 8.1)" },
} as const;

/** The tfjs backend name the native packages register. */
const NATIVE_TFJS_BACKEND = "tensorflow";

/** Whether `e` says that `pkg` itself (not one of its files or dependencies) could not be found. */
function isMissingPackage(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND") && typeof err.message === "string" && err.message.includes(`'${pkg}'`);
}

/** Reason text for a native package that is not installed. */
export function notInstalledReason(name: "tfjs-node" | "tfjs-node-gpu"): string {
  const { pkg, needs } = NATIVE[name];
  return `not installed: ${pkg}'s install downloads ${needs} from Google's storage, unreachable here; ` + `on a connected machine run npm install ${pkg}`;
}

/** A native backend; `importer` is injectable for tests (default: the real dynamic import). */
export function nativeBackend(name: "tfjs-node" | "tfjs-node-gpu", importer: () => Promise<unknown> = () => import(NATIVE[name].pkg)): TrainingBackend {
  return {
    name: name satisfies BackendName,
    singleThreaded: false,
    gpu: name === "tfjs-node-gpu",
    async load() {
      try {
        await importer();
      } catch (e) {
        if (isMissingPackage(e, NATIVE[name].pkg)) throw new Error(notInstalledReason(name));
        throw new Error(`${NATIVE[name].pkg} failed to load: ${(e as Error).message}`);
      }
      if (!(await tf.setBackend(NATIVE_TFJS_BACKEND))) {
        throw new Error(`${NATIVE[name].pkg} loaded but tf.setBackend("${NATIVE_TFJS_BACKEND}") failed`);
      }
      await tf.ready();
    },
  };
}
