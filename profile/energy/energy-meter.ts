/**
 * An energy meter over every counter this machine exposes (RAPL package/DRAM zones, NVIDIA
 * GPUs): opened once (it measures the idle power first, for `idleMs`), then `start()` and
 * `stop()` around a timed block give joules per domain with the idle baseline subtracted,
 * or the reasons no counter could be read and how to enable them. Never an estimate.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BlockTimer } from "../../measure/index.ts";
import type { EnergyUnavailable, RowEnergy } from "../../formats/run/energy-schema.ts";
import { integratePower, queryNvidiaSmi, startPowerSampler, type PowerSampler } from "./nvidia-smi.ts";
import { counterDeltaUj, findPowercapZones, POWERCAP_ROOT, readEnergyUj, type PowercapZone } from "./powercap.ts";

/** Where the meter reads; defaults are the real system's. */
export interface EnergyMeterOptions {
  /** Powercap root; default `/sys/class/powercap`. */
  readonly powercapRoot?: string;
  /** nvidia-smi command; default `nvidia-smi` on PATH. */
  readonly nvidiaSmi?: string;
  /** Idle baseline length, ms; default 1000. */
  readonly idleMs?: number;
  /** Waits out the idle baseline; default a timer of `idleMs` (tests pass one that also changes the fake counters). */
  readonly waitIdle?: (ms: number) => Promise<unknown>;
  /** Sampling period of power.draw where a GPU has no energy counter, ms; default 50. */
  readonly powerPeriodMs?: number;
}

/** A reading of every counter: time (ms) and values (µJ for RAPL, mJ for GPUs). */
export interface EnergyMark {
  readonly t: number;
  readonly rapl: readonly number[];
  readonly gpu: readonly (number | null)[];
}

/** An open meter. */
export interface EnergyMeter {
  /** True when at least one counter is readable. */
  readonly available: boolean;
  /** Reads every counter. */
  start(): Promise<EnergyMark>;
  /** Energy since `mark` for `images` inferences (or the unavailability reasons). */
  stop(mark: EnergyMark, images: number): Promise<RowEnergy>;
  /** Ends any sampling process the meter started. */
  close(): void;
}

interface Domain {
  readonly name: string;
  /** J between two marks. */
  delta(a: EnergyMark, b: EnergyMark): number;
}

/** Opens a meter: finds the counters and measures the idle baseline (only when some counter is readable). */
export async function openEnergyMeter(options: EnergyMeterOptions = {}): Promise<EnergyMeter> {
  const unavailable: EnergyUnavailable[] = [];
  const zonesOr = await findPowercapZones(options.powercapRoot ?? POWERCAP_ROOT);
  const zones: PowercapZone[] = Array.isArray(zonesOr) ? zonesOr : [];
  if (!Array.isArray(zonesOr)) unavailable.push({ source: "powercap", ...zonesOr });
  const gpusOr = await queryNvidiaSmi(options.nvidiaSmi ?? "nvidia-smi");
  const gpus = Array.isArray(gpusOr) ? gpusOr.filter((g) => g.energyMj !== null) : [];
  if (!Array.isArray(gpusOr)) unavailable.push({ source: "nvidia-smi", ...gpusOr });
  const command = options.nvidiaSmi ?? "nvidia-smi";
  // GPUs with no energy counter but a power reading: power.draw sampled and integrated (said in the domain's name).
  const sampledGpus = Array.isArray(gpusOr) ? gpusOr.filter((g) => g.energyMj === null && g.powerW !== null) : [];
  const periodMs = options.powerPeriodMs ?? 50;
  const sampler: PowerSampler | undefined =
    sampledGpus.length > 0 ? startPowerSampler(command, periodMs, Array.isArray(gpusOr) ? gpusOr.length : 1) : undefined;
  if (sampler) {
    unavailable.push({
      source: "nvidia-smi",
      reason: `${sampledGpus.map((g) => g.name).join(", ")} give no total_energy_consumption: their energy is power.draw sampled every ${periodMs} ms and integrated (trapezoid), coarser than a counter for blocks shorter than a few samples`,
      fix: "a driver that reports total_energy_consumption (Volta or newer, nvidia-smi --query-gpu=total_energy_consumption) gives exact joules",
    });
    await sampler.after(performance.now(), 2000);
  }

  const domains: Domain[] = [
    ...zones.map((z, k) => ({
      name: `${z.name} (${z.path.split("/").pop() ?? ""})`,
      delta: (a: EnergyMark, b: EnergyMark) => counterDeltaUj(a.rapl[k] ?? 0, b.rapl[k] ?? 0, z.maxEnergyRangeUj) / 1e6,
    })),
    ...gpus.map((g, k) => ({ name: `gpu${g.index} ${g.name}`, delta: (a: EnergyMark, b: EnergyMark) => ((b.gpu[k] ?? 0) - (a.gpu[k] ?? 0)) / 1000 })),
    ...sampledGpus.map((g) => {
      const position = (Array.isArray(gpusOr) ? gpusOr : []).findIndex((x) => x.index === g.index);
      return {
        name: `gpu${g.index} ${g.name} (power.draw sampled every ${periodMs} ms)`,
        delta: (a: EnergyMark, b: EnergyMark) => integratePower(sampler?.samples ?? [], a.t, b.t)[position] ?? 0,
      };
    }),
  ];
  const read = async (): Promise<EnergyMark> => {
    const [rapl, g] = await Promise.all([
      zones.length > 0 ? readEnergyUj(zones) : Promise.resolve([]),
      gpus.length > 0 ? queryNvidiaSmi(command) : Promise.resolve([]),
    ]);
    const byIndex = Array.isArray(g) ? new Map(g.map((x) => [x.index, x.energyMj])) : new Map<number, number | null>();
    return { t: performance.now(), rapl, gpu: gpus.map((x) => byIndex.get(x.index) ?? null) };
  };
  if (domains.length === 0) {
    return {
      available: false,
      start: async () => ({ t: performance.now(), rapl: [], gpu: [] }),
      stop: async () => ({ available: false, unavailable }),
      close: () => undefined,
    };
  }
  const idleMs = options.idleMs ?? 1000;
  const i0 = await read();
  await (options.waitIdle ?? sleep)(idleMs);
  const i1 = await read();
  const idleSeconds = (i1.t - i0.t) / 1000;
  const idleWatts = domains.map((d) => (idleSeconds > 0 ? d.delta(i0, i1) / idleSeconds : 0));
  return {
    available: true,
    close: () => sampler?.stop(),
    start: read,
    async stop(mark, images) {
      const end = await read();
      const seconds = (end.t - mark.t) / 1000;
      const per = domains.map((d, k) => {
        const joules = d.delta(mark, end);
        const idle = idleWatts[k] ?? 0;
        return { name: d.name, joules, idleWatts: idle, netJoules: joules - idle * seconds };
      });
      const joules = per.reduce((s, d) => s + d.joules, 0);
      const netJoules = per.reduce((s, d) => s + d.netJoules, 0);
      return {
        available: true,
        seconds,
        images,
        domains: per,
        joules,
        idleJoules: joules - netJoules,
        netJoules,
        joulesPerImage: images > 0 ? netJoules / images : 0,
        imagesPerJoule: netJoules > 0 ? images / netJoules : 0,
        idleSeconds,
        unavailable,
      };
    },
  };
}

/** Sums the energy of several timed blocks of one variant (seconds, images, joules per domain); unavailable stays unavailable. */
export function sumEnergy(parts: readonly RowEnergy[]): RowEnergy | undefined {
  const first = parts[0];
  if (!first) return undefined;
  if (!first.available) return first;
  const ok = parts.filter((p): p is Extract<RowEnergy, { available: true }> => p.available);
  const add = (f: (p: (typeof ok)[number]) => number) => ok.reduce((s, p) => s + f(p), 0);
  const images = add((p) => p.images);
  const netJoules = add((p) => p.netJoules);
  return {
    available: true,
    seconds: add((p) => p.seconds),
    images,
    domains: first.domains.map((d, k) => ({
      name: d.name,
      idleWatts: d.idleWatts,
      joules: add((p) => p.domains[k]?.joules ?? 0),
      netJoules: add((p) => p.domains[k]?.netJoules ?? 0),
    })),
    joules: add((p) => p.joules),
    idleJoules: add((p) => p.idleJoules),
    netJoules,
    joulesPerImage: images > 0 ? netJoules / images : 0,
    imagesPerJoule: netJoules > 0 ? images / netJoules : 0,
    idleSeconds: first.idleSeconds,
    unavailable: first.unavailable,
  };
}

/**
 * A block timer that reads the meter around each of its blocks (outside the timed runs) and
 * sums them: interleaved variants share the counters, so each gets only its own blocks' energy.
 */
export function meteredTimer(timer: BlockTimer, meter: EnergyMeter, batch: number): BlockTimer & { energy(): RowEnergy | undefined } {
  const parts: RowEnergy[] = [];
  return {
    name: timer.name,
    async runBlock(runs) {
      const mark = await meter.start();
      const times = await timer.runBlock(runs);
      parts.push(await meter.stop(mark, runs * batch));
      return times;
    },
    energy: () => sumEnergy(parts),
  };
}
