/** The CUDA EP of onnxruntime-node: a separate download at install time (absent offline). */
import { execFileSync } from "node:child_process";
import type { EpRunner } from "../ep-runner.ts";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cudaVersionOf } from "../energy/nvidia-smi.ts";
import { cudaFix, cudaProviderPath, machineRuntimeMajors, readProviderCudaMajor, type CudaFacts } from "./cuda-libraries.ts";
import { ortBackend, ortVersion, tryProbeSession } from "./ort-probe.ts";

/** onnxruntime-node's binary folder for this platform (where its CUDA provider library must sit). */
function ortBinDir(): string {
  const pkg = createRequire(import.meta.url).resolve("onnxruntime-node/package.json");
  return join(dirname(pkg), "bin", "napi-v6", process.platform, process.arch);
}

/** Fix printed when onnxruntime-node lacks the CUDA EP binaries. */
export const CUDA_INSTALL_FIX =
  "onnxruntime-node was installed without the CUDA EP; on a machine with an NVIDIA GPU and CUDA 12 run: npm run setup " +
  "(onnxruntime-node's own CUDA 12 download), or npm run setup -- --cuda-ep <dir> with the provider libraries you have";

/** The GPU name and driver from `nvidia-smi`, or undefined when it is absent. */
function nvidiaSmi(): { device: string; driver: string; cuda: string | null } | undefined {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=name,driver_version", "--format=csv,noheader"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const [device = "unknown", driver = "unknown"] = (out.split("\n")[0] ?? "").split(",").map((s) => s.trim());
    let cuda: string | null = null;
    try {
      cuda = cudaVersionOf(execFileSync("nvidia-smi", [], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] }));
    } catch {
      cuda = null;
    }
    return { device, driver, cuda };
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
      const provider = cudaProviderPath(ortBinDir());
      const facts: CudaFacts = {
        providerPresent: backend.bundled || existsSync(provider),
        providerMajor: readProviderCudaMajor(provider),
        runtimeMajors: machineRuntimeMajors(),
        driverCuda: gpu ? (gpu.cuda ?? "unknown") : null,
      };
      return { available: false, reason: `CUDA EP not available: ${error.message.split("\n")[0]}.${noGpu}`, fix: cudaFix(facts) };
    }
    return {
      available: true,
      facts: { ortVersion: ortVersion(), device: gpu?.device ?? "unknown", driver: gpu?.driver ?? "unknown", cudaDriverVersion: gpu?.cuda ?? "unknown" },
    };
  },
};
