/**
 * The webgpu training backend: `@tensorflow/tfjs-backend-webgpu` on Dawn through the
 * `webgpu` package (a prebuilt `dawn.node` inside the npm package: installs offline, no
 * CUDA version to match, unlike tfjs-node-gpu's libtensorflow for CUDA 11.2). The adapter
 * is found with the WebGPU EP's Vulkan probing (webgpu-adapter.ts) and recorded.
 *
 * tfjs-backend-webgpu 4.22 registers every kernel a training run of the zoo models needs
 * (training-kernels.ts; wasm lacks three, which wasm-training-kernels.ts adds), and one
 * training step of lenet and basic-cnn on it matches the cpu backend's weights within 1e-7
 * over SwiftShader (test/backends-webgpu.test.ts); the loader still checks the list and
 * names any kernel a later version lacks.
 *
 * Nothing happens at import: {@link webgpuBackend}'s `load()` probes, starts Dawn, sets the
 * WebGPU globals (`GPUBufferUsage` …, and `navigator.gpu`, which tfjs-backend-webgpu's
 * constructor checks) and registers the backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { GpuAdapter, TrainingBackend } from "./backend.ts";
import { missingTrainingKernels } from "./training-kernels.ts";
import { adoptVulkanEnv, findAdapter, type VulkanEnv } from "./webgpu-adapter.ts";

/** Where the Vulkan environments and the fix text come from (injectable for tests). */
export interface WebgpuSetup {
  /** The environments to probe, in order (default: the WebGPU EP's `webgpuProbeEnvs()`). */
  readonly envs?: () => Promise<readonly VulkanEnv[]>;
}

/** The WebGPU EP's probe environments and fix, imported when first needed (the profile stage pulls in onnxruntime-node). */
async function epProbing(): Promise<{ envs: readonly VulkanEnv[]; fix: string }> {
  const ep = await import("../../profile/index.ts");
  return { envs: ep.webgpuProbeEnvs(), fix: ep.WEBGPU_FIX };
}

/** The started device, once per process (Dawn reads the Vulkan environment once). */
let started: Promise<GpuAdapter> | undefined;

/** Defines `navigator.gpu` (Node 20 has no `navigator`; Node 21+ has one without `gpu`). */
function defineNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  else if (g.navigator.gpu === undefined) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
}

/** Probes, adopts the served environment, starts Dawn and registers tfjs's `webgpu` backend on its adapter. */
async function start(setup: WebgpuSetup): Promise<GpuAdapter> {
  const { envs, fix } = await epProbing();
  const { adapter, env } = await findAdapter(setup.envs ? await setup.envs() : envs, fix);
  adoptVulkanEnv(env.env);
  const { create, globals } = await import("webgpu");
  for (const [key, value] of Object.entries(globals)) if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  // Imported before navigator.gpu exists, so the package registers its kernels but not its own factory (ours picks the adapter).
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  const gpu = create([]);
  const found = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!found) throw new Error(`Dawn found no adapter in this process although the probe did (${env.label}); ${fix}`);
  defineNavigatorGpu(gpu);
  const missing = missingTrainingKernels("webgpu");
  if (missing.length) throw new Error(`@tensorflow/tfjs-backend-webgpu ${tf.version.tfjs} lacks kernels training needs: ${missing.join(", ")}`);
  const limits = found.limits;
  // The device descriptor tfjs-backend-webgpu's own factory asks for (its base.ts).
  const device = await found.requestDevice({
    requiredFeatures: found.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  // Priority 0: never tfjs's default backend; the harness always sets one by name.
  tf.registerBackend("webgpu", () => new WebGPUBackend(device, found.info), 0);
  return adapter;
}

/** A webgpu training backend (one per process in practice: Dawn starts once). */
export function createWebgpuBackend(setup: WebgpuSetup = {}): TrainingBackend {
  let adapter: GpuAdapter | undefined;
  return {
    name: "webgpu",
    singleThreaded: false,
    gpu: true,
    async load() {
      // A failure is kept too: Dawn has read the Vulkan environment, a second start would fail the same way.
      started ??= start(setup);
      adapter = await started;
      if (!(await tf.setBackend("webgpu"))) throw new Error('tf.setBackend("webgpu") failed: the WebGPU device did not initialise (see the warning above)');
      await tf.ready();
    },
    adapter: () => adapter,
  };
}

/** The webgpu training backend on this machine's Vulkan drivers (or SwiftShader). */
export const webgpuBackend: TrainingBackend = createWebgpuBackend();
