/** The CUDA EP of onnxruntime-node: a separate download at install time (absent offline). */
import type { EpRunner } from "../ep-runner.ts";
import { NodeSessionHost, type NodeEpSpec } from "../node-session.ts";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { nvidiaGpuFacts } from "../energy/nvidia-smi.ts";
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

/** The first NVIDIA GPU's name, driver and the driver's CUDA version (nvidia-smi.ts), or undefined when nvidia-smi does not answer. */
async function firstGpu(): Promise<{ device: string; driver: string; cuda: string | null } | undefined> {
  const gpus = await nvidiaGpuFacts();
  const g = Array.isArray(gpus) ? gpus[0] : undefined;
  return g ? { device: g.name, driver: g.driver ?? "unknown", cuda: g.cudaDriverVersion } : undefined;
}

/** How onnxruntime-node's CUDA EP is selected, and which start-up failures mean it cannot start here. */
export const CUDA_EP_SPEC: NodeEpSpec = {
  name: "cuda",
  options: { executionProviders: ["cuda"] },
  onGpu: true,
  readsPool: false,
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
};

/** Runner for onnxruntime-node's CUDA EP. */
export const cudaEp: EpRunner = {
  name: "cuda",
  childEnv: () => ({}),
  openHost: async (request) => new NodeSessionHost(CUDA_EP_SPEC, request),
  async probe() {
    const backend = ortBackend("cuda");
    const gpu = await firstGpu();
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
