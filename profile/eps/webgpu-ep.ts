/**
 * The WebGPU EP of onnxruntime-node (Dawn over Vulkan on Linux). It is probed first with
 * the system's Vulkan drivers (or the user's `VK_ICD_FILENAMES`); when Dawn finds no adapter
 * there (no driver, or one too old for Dawn such as Debian 12's lavapipe from
 * `mesa-vulkan-drivers`), again with SwiftShader, the CPU Vulkan driver Debian's `chromium`
 * package ships with its own `libvulkan.so.1`. The one that served is recorded in the EP
 * facts (`served`, and `fallbackFrom` with why the system's failed) and used for every child.
 *
 * onnxruntime-node 1.30 exposes no WebGPU adapter info (no API, nothing in the verbose
 * log), so the facts name the Vulkan ICD the child loads and infer the adapter from it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { EpFacts, EpRunner, ProbeEnv } from "../ep-runner.ts";
import { ortVersion, tryProbeSession } from "./ort-probe.ts";
import { NodeSessionHost, type NodeEpSpec } from "../node-session.ts";

/** Where Debian's chromium keeps SwiftShader's Vulkan ICD and a Vulkan loader. */
export const CHROMIUM_DIR = "/usr/lib/chromium";
/** SwiftShader's Vulkan ICD manifest from Debian's chromium package. */
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;

const SYSTEM_LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib"];
const SYSTEM_ICD_DIRS = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"];

/** Fix printed when no Vulkan driver gives Dawn an adapter. */
export const WEBGPU_FIX =
  "install your GPU's Vulkan driver (NVIDIA's driver, or mesa-vulkan-drivers for AMD/Intel GPUs); with no GPU, " +
  "install Debian's chromium package (apt-get install chromium) for SwiftShader's Vulkan ICD " +
  `(${SWIFTSHADER_ICD}), which the profiler falls back to automatically when the system's drivers give no adapter`;

/** Where to look for Vulkan loaders and ICD manifests (tests pass their own). */
export interface VulkanPaths {
  readonly libDirs: readonly string[];
  readonly icdDirs: readonly string[];
  readonly swiftshaderIcd: string;
  readonly chromiumDir: string;
}

/** The system's paths. */
export const SYSTEM_VULKAN_PATHS: VulkanPaths = {
  libDirs: SYSTEM_LIB_DIRS,
  icdDirs: SYSTEM_ICD_DIRS,
  swiftshaderIcd: SWIFTSHADER_ICD,
  chromiumDir: CHROMIUM_DIR,
};

function hasVulkanLoader(paths: VulkanPaths): boolean {
  return paths.libDirs.some((d) => existsSync(`${d}/libvulkan.so.1`));
}

/** The system's Vulkan ICD manifests (full paths), e.g. lavapipe's `lvp_icd.x86_64.json`. */
export function systemIcds(paths: VulkanPaths = SYSTEM_VULKAN_PATHS): string[] {
  return paths.icdDirs.flatMap((d) => {
    try {
      return readdirSync(d)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => `${d}/${f}`);
    } catch {
      return [];
    }
  });
}

/** Label of the SwiftShader probe environment (recorded as the `served` fact). */
export const SWIFTSHADER_LABEL = "SwiftShader (CPU Vulkan driver from Debian's chromium)";

/**
 * The environments the WebGPU EP is probed with, in order: the user's `VK_ICD_FILENAMES`
 * when set, else the system's Vulkan drivers when any ICD is installed; then SwiftShader
 * when chromium's copy exists. With neither, the bare system (the probe then explains).
 */
export function webgpuProbeEnvs(base: NodeJS.ProcessEnv = process.env, paths: VulkanPaths = SYSTEM_VULKAN_PATHS): ProbeEnv[] {
  const common: Record<string, string> = base.XDG_RUNTIME_DIR ? {} : { XDG_RUNTIME_DIR: tmpdir() };
  const loader: Record<string, string> =
    !hasVulkanLoader(paths) && existsSync(`${paths.chromiumDir}/libvulkan.so.1`)
      ? { LD_LIBRARY_PATH: [paths.chromiumDir, base.LD_LIBRARY_PATH].filter(Boolean).join(":") }
      : {};
  const out: ProbeEnv[] = [];
  const icds = systemIcds(paths);
  if (base.VK_ICD_FILENAMES)
    out.push({ label: `VK_ICD_FILENAMES=${base.VK_ICD_FILENAMES}`, env: { ...common, ...loader, VK_ICD_FILENAMES: base.VK_ICD_FILENAMES } });
  else if (icds.length > 0) out.push({ label: `system Vulkan drivers (${icds.join(", ")})`, env: { ...common, ...loader } });
  if (existsSync(paths.swiftshaderIcd) && base.VK_ICD_FILENAMES !== paths.swiftshaderIcd) {
    out.push({ label: SWIFTSHADER_LABEL, env: { ...common, ...loader, VK_ICD_FILENAMES: paths.swiftshaderIcd } });
  }
  if (out.length === 0) out.push({ label: "system (no Vulkan ICD found)", env: { ...common, ...loader } });
  return out;
}

/**
 * The environment the WebGPU child needs, from `base` (default: this process's): the first
 * probe environment (see {@link webgpuProbeEnvs}); the runner itself uses the one that served.
 */
export function webgpuChildEnv(base: NodeJS.ProcessEnv = process.env, paths: VulkanPaths = SYSTEM_VULKAN_PATHS): Record<string, string> {
  return { ...webgpuProbeEnvs(base, paths)[0]?.env };
}

/** The vendor a Vulkan ICD's library names (NVIDIA's ICD is its GL vendor library, libGLX_nvidia). */
export const ICD_VENDORS: readonly { readonly library: RegExp; readonly vendor: string; readonly architecture: string }[] = [
  { library: /swiftshader/i, vendor: "Google", architecture: "swiftshader (CPU)" },
  { library: /nvidia/i, vendor: "NVIDIA", architecture: "unknown (NVIDIA's Vulkan driver)" },
  { library: /radeon|amdvlk|amdgpu/i, vendor: "AMD", architecture: "unknown (AMD's Vulkan driver)" },
  { library: /intel/i, vendor: "Intel", architecture: "unknown (Intel's Vulkan driver)" },
  { library: /lvp|lavapipe/i, vendor: "Mesa", architecture: "lavapipe (CPU)" },
];

/** Adapter facts inferred from the ICD manifest(s) named in `VK_ICD_FILENAMES`. */
export function adapterFactsFromIcd(icdFiles: string | undefined): EpFacts {
  if (!icdFiles) {
    return { adapter: "unknown (system Vulkan ICDs; onnxruntime-node 1.30 exposes no WebGPU adapter info)", softwareFallback: "unknown" };
  }
  const libs = icdFiles.split(":").map((file) => {
    try {
      return (JSON.parse(readFileSync(file, "utf8")) as { ICD?: { library_path?: string } }).ICD?.library_path ?? file;
    } catch {
      return file;
    }
  });
  const software = libs.some((l) => /swiftshader|lvp|lavapipe|llvmpipe/i.test(l));
  const known = ICD_VENDORS.find((v) => libs.some((l) => v.library.test(l)));
  return {
    icd: icdFiles,
    icdLibrary: libs.join(":"),
    vendor: known?.vendor ?? "unknown",
    architecture: known?.architecture ?? "unknown",
    softwareFallback: software ? "yes" : "no",
    adapterInfoSource: "inferred from the Vulkan ICD; onnxruntime-node 1.30 exposes no WebGPU adapter info",
  };
}

/** A session-creation error that means "no WebGPU adapter here", as reason and fix; undefined for any other. */
function explainWebgpuStartFailure(error: Error): { reason: string; fix: string } | undefined {
  if (/WebGPU adapter|No supported adapters|Couldn't load Vulkan/i.test(error.message)) {
    return { reason: `no WebGPU adapter: ${error.message.split("\n")[0]}`, fix: WEBGPU_FIX };
  }
  return undefined;
}

/** How onnxruntime-node's WebGPU EP is selected, and which start-up failures mean it has no adapter. */
export const WEBGPU_EP_SPEC: NodeEpSpec = {
  name: "webgpu",
  options: { executionProviders: ["webgpu"] },
  onGpu: true,
  readsPool: false,
  explainStartFailure: explainWebgpuStartFailure,
};

/** Creates the runner for onnxruntime-node's WebGPU EP (it remembers which probe environment served). */
export function createWebgpuEp(base: NodeJS.ProcessEnv = process.env, paths: VulkanPaths = SYSTEM_VULKAN_PATHS): EpRunner {
  let adopted: Record<string, string> | undefined;
  const runner: EpRunner = {
    name: "webgpu",
    childEnv: () => adopted ?? webgpuChildEnv(base, paths),
    probeEnvs: () => webgpuProbeEnvs(base, paths),
    adopt(facts) {
      const served = webgpuProbeEnvs(base, paths).find((c) => c.label === facts.served);
      if (served) adopted = { ...served.env };
    },
    openHost: async (request) => new NodeSessionHost(WEBGPU_EP_SPEC, request),
    async probe() {
      const error = await tryProbeSession({ executionProviders: ["webgpu"] });
      if (error) {
        const explained = explainWebgpuStartFailure(error);
        return { available: false, reason: explained?.reason ?? `WebGPU EP failed to start: ${error.message.split("\n")[0]}`, fix: WEBGPU_FIX };
      }
      // VK_DRIVER_FILES is the Vulkan loader's newer name for VK_ICD_FILENAMES
      const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? (systemIcds(paths).join(":") || undefined);
      return { available: true, facts: { ortVersion: ortVersion(), ...adapterFactsFromIcd(icd) } };
    },
  };
  return runner;
}

/** Runner for onnxruntime-node's WebGPU EP, on this process's environment. */
export const webgpuEp: EpRunner = createWebgpuEp();
