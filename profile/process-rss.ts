/**
 * Peak memory of a measuring child, and of it with its descendants (Chromium's browser,
 * GPU, utility and renderer processes are children of the browser child). Linux: reads
 * `VmHWM` (the peak RSS of the process's own address space) from `/proc/<pid>/status`
 * and `/proc/<pid>/task/<pid>/children`. Not `process.resourceUsage().maxRSS`: Linux
 * carries the forking parent's RSS over into the child's maxRSS, so a child forked by a
 * profiler that has just trained a model would report the profiler's memory.
 */
import { readFileSync } from "node:fs";

const KIB_PER_MIB = 1024;

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function peakKiB(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Peak RSS of this process since it started (VmHWM), MiB; `maxRSS` where /proc is absent. */
export function ownPeakRssMiB(): number {
  const own = peakKiB(process.pid);
  return own > 0 ? own / KIB_PER_MIB : process.resourceUsage().maxRSS / KIB_PER_MIB;
}

/**
 * Sum of the per-process peak RSS (VmHWM) of `pid` and every live descendant, MiB: an
 * upper bound of the tree's peak. Falls back to this process's own `maxRSS` off Linux.
 */
export function treePeakRssMiB(pid: number = process.pid): number {
  const own = peakKiB(pid);
  if (own === 0) return process.resourceUsage().maxRSS / KIB_PER_MIB;
  return descendants(pid).reduce((sum, p) => sum + peakKiB(p), own) / KIB_PER_MIB;
}
