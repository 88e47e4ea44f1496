/** The CUDA EP of onnxruntime-node: a separate download at install time (absent offline). */
import { execFileSync } from "node:child_process";
import type { EpRunner } from "../ep-runner.ts";
import { ortBackend, ortVersion, tryProbeSession } from "./ort-probe.ts";

/** Fix printed when onnxruntime-node lacks the CUDA EP binaries. */
export const CUDA_INSTALL_FIX =
  "onnxruntime-node was installed without the CUDA EP; on a machine with CUDA 12 run: " +
  "node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12";

/** The GPU name and driver from `nvidia-smi`, or undefined when it is absent. */
function nvidiaSmi(): { device: string; driver: string } | undefined {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=name,driver_version", "--format=csv,noheader"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const [device = "unknown", driver = "unknown"] = (out.split("\n")[0] ?? "").split(",").map((s) => s.trim());
    return { device, driver };
  } catch {
    return undefined;
  }
}

/** Runner for onnxruntime-node's CUDA EP. */
export const cudaEp: EpRunner = {
  name: "cuda",
  childEnv: () => ({}),
  sessionOptions: () => ({ executionProviders: ["cuda"] }),
  explainStartFailure(error) {
    if (
      /libonnxruntime_providers_cuda|Failed to load shared library|cuda.*not (found|available|supported)|LoadLibrary|cannot open shared object/i.test(
        error.message,
      )
    ) {
      return { reason: `the CUDA EP could not start: ${error.message.split("\n")[0]}`, fix: CUDA_INSTALL_FIX };
    }
    return undefined;
  },
  async probe() {
    const backend = ortBackend("cuda");
    const gpu = nvidiaSmi();
    const error = await tryProbeSession({ executionProviders: ["cuda"] });
    if (error) {
      const noGpu = gpu === undefined ? " No NVIDIA GPU found (nvidia-smi absent)." : "";
      return {
        available: false,
        reason: `CUDA EP not available: ${error.message.split("\n")[0]}.${noGpu}`,
        fix: backend.bundled && gpu ? "install CUDA 12 and cuDNN 9 so the CUDA EP libraries load" : CUDA_INSTALL_FIX,
      };
    }
    return {
      available: true,
      facts: { ortVersion: ortVersion(), device: gpu?.device ?? "unknown", driver: gpu?.driver ?? "unknown" },
    };
  },
};
