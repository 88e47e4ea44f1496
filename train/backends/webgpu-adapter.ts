/**
 * Finds the WebGPU adapter Dawn (the `webgpu` package's `dawn.node`) trains on, with the
 * WebGPU EP's Vulkan probing (`webgpuProbeEnvs` in profile/eps/webgpu-ep.ts): the user's
 * `VK_ICD_FILENAMES` or the system's Vulkan drivers first, then SwiftShader from Debian's
 * chromium. Each environment is tried in a child process (a broken driver can crash the
 * process that loads it); the first that gives an adapter is then adopted in this process.
 *
 * Adopting needs care because Dawn reads the Vulkan environment when it loads: the Vulkan
 * loader reads `VK_ICD_FILENAMES` at each instance creation (so setting `process.env` before
 * Dawn's first `create()` is enough), but the dynamic linker reads `LD_LIBRARY_PATH` only at
 * process start. Where the served environment puts a directory on `LD_LIBRARY_PATH` (chromium's
 * `libvulkan.so.1` on a machine with no system Vulkan loader), that loader is preloaded with
 * `RTLD_NODELETE`, so Dawn's later `dlopen("libvulkan.so.1")` finds it by its soname.
 * Measured here (no system loader, SwiftShader): without the preload Dawn logs "Couldn't load
 * Vulkan: libvulkan.so.1: cannot open shared object file" and finds no adapter; with it,
 * `google swiftshader` in the same process.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import type { GpuAdapter } from "./backend.ts";

/** One Vulkan environment to try (the WebGPU EP's `ProbeEnv`). */
export interface VulkanEnv {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
}

/** What the probe child prints: Dawn's adapter info, or no adapter. */
export type AdapterProbe =
  | {
      readonly ok: true;
      readonly vendor: string;
      readonly architecture: string;
      readonly device: string;
      readonly description: string;
      readonly isFallbackAdapter: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/** glibc's `RTLD_NODELETE` (dlfcn.h): Node's `os.constants.dlopen` does not list it. */
const RTLD_NODELETE = 0x1000;
/** How long one probe child may take, ms (Dawn starts in about 0.15 s here). */
const PROBE_TIMEOUT_MS = 30_000;

/** The probe child: imports `webgpu` from the URL in argv[1], asks Dawn for an adapter, prints one JSON line. */
const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: "high-performance" });
const i = adapter?.info;
console.log(JSON.stringify(adapter ? { ok: true, vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter === true || adapter.isFallbackAdapter === true } : { ok: false, reason: "Dawn found no adapter" }));
process.exit(0);`;

/** Whether an adapter is a CPU implementation of WebGPU (SwiftShader, lavapipe, llvmpipe), from what Dawn reports. */
export function isSoftwareAdapter(a: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean }): boolean {
  return a.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe/i.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
}

/** The useful line of a failed probe's stderr (Dawn's "Couldn't load Vulkan: …" warning), or its exit. */
function failureLine(stderr: string, fallback: string): string {
  const line = stderr
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("at "));
  return line ?? fallback;
}

/** Runs the probe child under `env` (over this process's environment). */
export function probeAdapter(env: Readonly<Record<string, string>>, webgpuUrl: string = import.meta.resolve("webgpu")): Promise<AdapterProbe> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", PROBE_SCRIPT, webgpuUrl],
      { env: { ...process.env, ...env }, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const json = stdout
          .split("\n")
          .reverse()
          .find((l) => l.startsWith("{"));
        if (json) {
          const probe = JSON.parse(json) as AdapterProbe;
          resolve(probe.ok ? probe : { ok: false, reason: failureLine(stderr, probe.reason) });
          return;
        }
        resolve({
          ok: false,
          reason: failureLine(stderr, error ? `the probe child failed: ${error.message.split("\n")[0]}` : "the probe child printed nothing"),
        });
      },
    );
  });
}

/**
 * Tries each environment in order (see {@link probeAdapter}) and returns the first adapter
 * with the environment that served it, or throws naming every environment and why it gave
 * no adapter, then `fix`.
 */
export async function findAdapter(
  envs: readonly VulkanEnv[],
  fix: string,
  probe: (env: Readonly<Record<string, string>>) => Promise<AdapterProbe> = probeAdapter,
): Promise<{ adapter: GpuAdapter; env: VulkanEnv }> {
  const failed: { label: string; reason: string }[] = [];
  for (const env of envs) {
    const p = await probe(env.env);
    if (!p.ok) {
      failed.push({ label: env.label, reason: p.reason });
      continue;
    }
    const adapter: GpuAdapter = {
      vendor: p.vendor,
      architecture: p.architecture,
      device: p.device,
      description: p.description,
      software: isSoftwareAdapter(p),
      served: env.label,
      ...(failed.length ? { fallbackFrom: failed } : {}),
    };
    return { adapter, env };
  }
  throw new Error(`no WebGPU adapter (${failed.map((f) => `${f.label}: ${f.reason}`).join("; ")}); ${fix}`);
}

/**
 * Makes this process's environment the served one before Dawn loads (see the file note):
 * sets the variables, and preloads `libvulkan.so.1` from each `LD_LIBRARY_PATH` directory
 * the process did not start with. Returns the loaders preloaded.
 */
export function adoptVulkanEnv(env: Readonly<Record<string, string>>): string[] {
  const preloaded: string[] = [];
  const startDirs = new Set((process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean));
  for (const [key, value] of Object.entries(env)) {
    if (key === "LD_LIBRARY_PATH") {
      for (const dir of value.split(":").filter((d) => d && !startDirs.has(d))) {
        const loader = `${dir}/libvulkan.so.1`;
        if (process.platform !== "linux" || !existsSync(loader)) continue;
        try {
          process.dlopen({ exports: {} }, loader, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE);
        } catch {
          // Expected: "Module did not self-register" (it is no Node addon); RTLD_NODELETE keeps it loaded.
        }
        preloaded.push(loader);
      }
    }
    process.env[key] = value;
  }
  return preloaded;
}
