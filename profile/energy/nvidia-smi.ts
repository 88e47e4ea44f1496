/**
 * NVIDIA GPU energy through `nvidia-smi`: `total_energy_consumption` (millijoules since the
 * driver loaded; Volta and later) and the current `power.draw`, per GPU. The command is a
 * parameter so tests put a fake `nvidia-smi` on PATH.
 */
import { execFile } from "node:child_process";
import type { Unavailable } from "./powercap.ts";

/** The query the reader runs. */
export const NVIDIA_SMI_ARGS = ["--query-gpu=index,name,total_energy_consumption,power.draw", "--format=csv,noheader,nounits"];

/** One GPU's reading. */
export interface GpuEnergy {
  readonly index: number;
  readonly name: string;
  /** Energy since the driver loaded, mJ (null when the GPU does not report it). */
  readonly energyMj: number | null;
  /** Power draw now, W (null when not reported). */
  readonly powerW: number | null;
}

const num = (s: string | undefined): number | null => {
  const v = Number((s ?? "").trim());
  return (s ?? "").trim() !== "" && Number.isFinite(v) ? v : null; // "[N/A]", "[Not Supported]" → null
};

/** Parses `nvidia-smi --query-gpu=index,name,total_energy_consumption,power.draw --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): GpuEnergy[] {
  return csv
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, name, energy, power] = line.split(",").map((x) => x.trim());
      return { index: Number(index), name: name ?? "", energyMj: num(energy), powerW: num(power) };
    });
}

/** Runs nvidia-smi's energy query; GPUs, or why not (no tool, no driver, no counter). */
export function queryNvidiaSmi(command = "nvidia-smi", timeoutMs = 5000): Promise<GpuEnergy[] | Unavailable> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        resolve(
          code === "ENOENT"
            ? {
                reason: `${command} is not on PATH (no NVIDIA driver on this machine)`,
                fix: "on a machine with an NVIDIA GPU install its driver (nvidia-smi comes with it)",
              }
            : { reason: `${command} failed: ${(stderr || error.message).trim().split("\n")[0] ?? ""}`, fix: "check the NVIDIA driver: run nvidia-smi by hand" },
        );
        return;
      }
      const gpus = parseNvidiaSmi(stdout);
      if (gpus.length === 0) resolve({ reason: `${command} lists no GPU`, fix: "check the NVIDIA driver: run nvidia-smi by hand" });
      else if (gpus.every((g) => g.energyMj === null)) {
        resolve({
          reason: `${gpus.map((g) => g.name).join(", ")} report no total_energy_consumption (it needs a Volta or newer GPU)`,
          fix: "energy per inference needs a GPU with an energy counter; power.draw alone is not integrated here",
        });
      } else resolve(gpus);
    });
  });
}
