/**
 * What a measuring pass reads around its runs besides time: GPU memory (here), peak RSS
 * (`EpSessionHost.peakRssMiB`) and energy (`energy/energy-meter.ts`, `meteredTimer`).
 */
import { gpuMemoryUsedMiB, processGpuMemoryMiB } from "./energy/nvidia-smi.ts";

/** GPU memory a child holds, MiB, and where the figure comes from. */
export interface GpuMemoryReading {
  readonly mib: number;
  /** `process`: nvidia-smi's per-process figure; `device-delta`: the whole device's growth since the tracker opened. */
  readonly source: "process" | "device-delta";
}

/** Reads this child's GPU memory on demand. */
export interface GpuMemoryTracker {
  read(): Promise<GpuMemoryReading | undefined>;
}

/**
 * Opens a GPU memory tracker: notes each GPU's used memory now, then reads the child's own
 * per-process figure, else the devices' growth since. Undefined where nvidia-smi does not answer.
 */
export async function gpuMemoryTracker(pid: number = process.pid): Promise<GpuMemoryTracker | undefined> {
  const before = await gpuMemoryUsedMiB();
  if (!before) return undefined;
  return {
    async read() {
      const own = await processGpuMemoryMiB(pid);
      if (own !== null) return { mib: own, source: "process" };
      const now = await gpuMemoryUsedMiB();
      if (!now) return undefined;
      return {
        mib: Math.max(
          0,
          now.reduce((s, v, i) => s + v - (before[i] ?? 0), 0),
        ),
        source: "device-delta",
      };
    },
  };
}
