/**
 * The WebGPU EP of onnxruntime-node (Dawn over Vulkan on Linux). With no GPU, Debian's
 * `chromium` package ships SwiftShader (a CPU Vulkan driver) and its own `libvulkan.so.1`;
 * the child then runs with `LD_LIBRARY_PATH` and `VK_ICD_FILENAMES` pointing at them.
 *
 * onnxruntime-node 1.30 exposes no WebGPU adapter info (no API, nothing in the verbose
 * log), so the facts name the Vulkan ICD the child loads and infer the adapter from it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { EpFacts, EpRunner } from "../ep-runner.ts";
import { ortVersion, tryProbeSession } from "./ort-probe.ts";

/** Where Debian's chromium keeps SwiftShader's Vulkan ICD and a Vulkan loader. */
export const CHROMIUM_DIR = "/usr/lib/chromium";
/** SwiftShader's Vulkan ICD manifest from Debian's chromium package. */
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;

const SYSTEM_LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib"];
const SYSTEM_ICD_DIRS = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"];

/** Fix printed when no Vulkan driver gives Dawn an adapter. */
export const WEBGPU_FIX =
  "install a Vulkan driver for your GPU (e.g. mesa-vulkan-drivers, or NVIDIA's driver); with no GPU, " +
  "install Debian's chromium package (apt-get install chromium) for SwiftShader's Vulkan ICD " +
  `(${SWIFTSHADER_ICD}), which the profiler then uses automatically`;

function hasSystemVulkanLoader(): boolean {
  return SYSTEM_LIB_DIRS.some((d) => existsSync(`${d}/libvulkan.so.1`));
}

function hasSystemIcd(): boolean {
  return SYSTEM_ICD_DIRS.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith(".json"));
    } catch {
      return false;
    }
  });
}

/** The environment the WebGPU child needs, from `base` (default: this process's). */
export function webgpuChildEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  if (!base.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = tmpdir();
  if (!hasSystemVulkanLoader() && existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`)) {
    env.LD_LIBRARY_PATH = [CHROMIUM_DIR, base.LD_LIBRARY_PATH].filter(Boolean).join(":");
  }
  if (!base.VK_ICD_FILENAMES && !hasSystemIcd() && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return env;
}

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
  const swiftshader = libs.some((l) => /swiftshader/i.test(l));
  return {
    icd: icdFiles,
    icdLibrary: libs.join(":"),
    vendor: swiftshader ? "Google" : "unknown",
    architecture: swiftshader ? "swiftshader (CPU)" : "unknown",
    softwareFallback: software ? "yes" : "no",
    adapterInfoSource: "inferred from the Vulkan ICD; onnxruntime-node 1.30 exposes no WebGPU adapter info",
  };
}

/** Runner for onnxruntime-node's WebGPU EP. */
export const webgpuEp: EpRunner = {
  name: "webgpu",
  childEnv: () => webgpuChildEnv(),
  sessionOptions: () => ({ executionProviders: ["webgpu"] }),
  explainStartFailure(error) {
    if (/WebGPU adapter|No supported adapters|Couldn't load Vulkan/i.test(error.message)) {
      return { reason: `no WebGPU adapter: ${error.message.split("\n")[0]}`, fix: WEBGPU_FIX };
    }
    return undefined;
  },
  async probe() {
    const error = await tryProbeSession({ executionProviders: ["webgpu"] });
    if (error) {
      const explained = webgpuEp.explainStartFailure?.(error);
      return { available: false, reason: explained?.reason ?? `WebGPU EP failed to start: ${error.message.split("\n")[0]}`, fix: WEBGPU_FIX };
    }
    return { available: true, facts: { ortVersion: ortVersion(), ...adapterFactsFromIcd(process.env.VK_ICD_FILENAMES) } };
  },
};
