/**
 * Linux powercap (RAPL) energy counters: the package and DRAM zones under
 * `/sys/class/powercap` (`intel-rapl:N` and `intel-rapl:N:M`; the same driver serves AMD
 * Zen CPUs), each an `energy_uj` counter in microjoules that wraps at `max_energy_range_uj`.
 * The root is a parameter so tests read a fake tree.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Default powercap root. */
export const POWERCAP_ROOT = "/sys/class/powercap";

/** One readable RAPL zone. */
export interface PowercapZone {
  /** Zone directory, e.g. `/sys/class/powercap/intel-rapl:0`. */
  readonly path: string;
  /** The zone's `name` file: `package-0`, `dram`, `core`, `uncore`, `psys`. */
  readonly name: string;
  /** Counter range, µJ: the counter wraps to 0 after this. */
  readonly maxEnergyRangeUj: number;
}

/** Counters are unreadable: why, and what to do. */
export interface Unavailable {
  readonly reason: string;
  readonly fix: string;
}

const ZONE_DIR = /^intel-rapl(?:-mmio)?:\d+(?::\d+)?$/;
const CHMOD_FIX = (root: string) =>
  `make the counters readable: sudo chmod a+r ${root}/intel-rapl:*/energy_uj ${root}/intel-rapl:*/intel-rapl:*/energy_uj ` +
  "(until reboot; or a udev rule), or run the profiler as root";

/**
 * The package and DRAM zones under `root` (core/uncore are parts of the package and would
 * count twice; psys, where present, covers the whole platform and is left out too), or why
 * none can be read.
 */
export async function findPowercapZones(root = POWERCAP_ROOT): Promise<PowercapZone[] | Unavailable> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return {
      reason: `Linux powercap (RAPL) is not present: ${root} does not exist (no RAPL driver here: a virtual machine, a container without the host's /sys, or not Linux)`,
      fix: "on bare-metal Linux load the driver (sudo modprobe intel_rapl_msr; it serves Intel and AMD Zen CPUs); a VM or container cannot read the host's counters",
    };
  }
  const dirs = new Set<string>();
  for (const e of entries.filter((x) => ZONE_DIR.test(x))) {
    dirs.add(join(root, e));
    // sub-zones also live inside their parent (intel-rapl:0/intel-rapl:0:0)
    const inner = await readdir(join(root, e)).catch(() => [] as string[]);
    for (const s of inner.filter((x) => ZONE_DIR.test(x))) if (!entries.includes(s)) dirs.add(join(root, e, s));
  }
  if (dirs.size === 0) {
    return {
      reason: `no RAPL zones (intel-rapl:*) under ${root}: the powercap driver for this CPU is not loaded`,
      fix: "sudo modprobe intel_rapl_msr (Intel and AMD Zen CPUs)",
    };
  }
  const zones: PowercapZone[] = [];
  for (const path of [...dirs].sort()) {
    const name = (await readFile(join(path, "name"), "utf8").catch(() => "")).trim();
    if (!name.startsWith("package") && name !== "dram") continue;
    try {
      await readFile(join(path, "energy_uj"), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        reason: `${join(path, "energy_uj")} is not readable (${code ?? "error"})${code === "EACCES" ? ": since Linux 5.10 (CVE-2020-8694) only root may read RAPL counters" : ""}`,
        fix: CHMOD_FIX(root),
      };
    }
    const range = Number((await readFile(join(path, "max_energy_range_uj"), "utf8").catch(() => "0")).trim());
    zones.push({ path, name, maxEnergyRangeUj: Number.isFinite(range) ? range : 0 });
  }
  if (zones.length === 0)
    return { reason: `RAPL zones under ${root} have no package or dram domain`, fix: "check the zone names: cat " + `${root}/intel-rapl:*/name` };
  return zones;
}

/** Reads each zone's `energy_uj`, µJ. */
export async function readEnergyUj(zones: readonly PowercapZone[]): Promise<number[]> {
  return Promise.all(zones.map(async (z) => Number((await readFile(join(z.path, "energy_uj"), "utf8")).trim())));
}

/**
 * Energy between two readings of one counter, µJ, allowing one wrap: when `after` is
 * below `before` the counter passed `maxRangeUj` and restarted at 0.
 */
export function counterDeltaUj(before: number, after: number, maxRangeUj: number): number {
  return after >= before ? after - before : maxRangeUj - before + after;
}
