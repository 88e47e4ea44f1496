/** The machine's hardware inventory (systeminformation) and the versions that matter. */
import { hostname } from "node:os";
import { readFile } from "node:fs/promises";
import si from "systeminformation";
import * as ort from "onnxruntime-node";
import type { Hardware } from "../formats/run/results-schema.ts";
import { nvidiaGpuFacts, type NvidiaGpuFacts } from "./energy/nvidia-smi.ts";
import type { Unavailable } from "./energy/powercap.ts";

/** ISA flags worth reporting for inference (as /proc/cpuinfo spells them). */
export const INTERESTING_FLAGS = [
  "sse4_2",
  "avx",
  "avx2",
  "fma",
  "f16c",
  "avx512f",
  "avx512bw",
  "avx512vl",
  "avx512_vnni",
  "avx512_bf16",
  "avx_vnni",
  "amx_tile",
  "amx_int8",
  "amx_bf16",
  "neon",
  "asimd",
  "asimddp",
  "sve",
] as const;

async function packageVersion(name: string): Promise<string | undefined> {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(await readFile(url, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

type Gpu = Hardware["gpus"][number];

/**
 * The GPUs with nvidia-smi's facts laid over systeminformation's: an NVIDIA GPU takes its
 * name, driver (systeminformation read "unknown" on an H200 whose CUDA EP knew 580.159.04),
 * memory, clocks, power limit and PCIe link from nvidia-smi; one it lists that
 * systeminformation missed is added.
 */
export function mergeNvidia(gpus: readonly Gpu[], nvidia: readonly NvidiaGpuFacts[] | Unavailable): Gpu[] {
  if (!Array.isArray(nvidia)) return [...gpus];
  const others = gpus.filter((g) => !/nvidia/i.test(`${g.vendor} ${g.model}`));
  const fromSmi = nvidia.map((n): Gpu => ({
    model: n.name,
    vendor: "NVIDIA",
    driver: n.driver ?? "unknown",
    vramMiB: n.memoryMiB,
    nvidia: {
      smClockMHz: n.smClockMHz,
      memClockMHz: n.memClockMHz,
      powerLimitW: n.powerLimitW,
      pcie: n.pcie,
      cudaDriverVersion: n.cudaDriverVersion,
      refused: { ...n.refused },
    },
  }));
  return [...fromSmi, ...others];
}

/** Collects the inventory; slow parts (GPU probing) are bounded by systeminformation itself. */
export async function collectHardware(): Promise<Hardware> {
  const [cpu, flags, mem, graphics, os, nvidia] = await Promise.all([
    si.cpu(),
    si.cpuFlags(),
    si.mem(),
    si.graphics().catch(() => ({ controllers: [] })),
    si.osInfo(),
    nvidiaGpuFacts(),
  ]);
  const flagSet = new Set(flags.split(/\s+/));
  const versions: Record<string, string> = { node: process.versions.node, onnxruntimeNode: ort.env.versions.node ?? "unknown" };
  for (const name of ["systeminformation", "@tensorflow/tfjs", "onnxruntime-web", "typescript"]) {
    const v = await packageVersion(name);
    if (v) versions[name] = v;
  }
  return {
    hostname: hostname(),
    cpu: {
      model: `${cpu.manufacturer} ${cpu.brand}`.trim(),
      cores: cpu.physicalCores,
      threads: cpu.cores,
      flags: INTERESTING_FLAGS.filter((f) => flagSet.has(f)),
      speedGHz: cpu.speed || null,
    },
    memoryGiB: mem.total / 1024 ** 3,
    gpus: mergeNvidia(
      graphics.controllers.map((g) => ({
        model: g.model || "unknown",
        vendor: g.vendor || "unknown",
        driver: g.driverVersion || "unknown",
        vramMiB: g.vram ?? null,
      })),
      nvidia,
    ),
    os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch },
    versions,
  };
}
