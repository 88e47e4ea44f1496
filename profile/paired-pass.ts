/**
 * The paired pass of a measuring child, over any EP's {@link EpSessionHost}: every
 * precision of one model open at once, timed in interleaved blocks (`measure/interleave.ts`)
 * at each batch in turn, so their ratios share one time window. Energy is read around
 * each block (RAPL, nvidia-smi) and summed per variant.
 */
import { latencySketch, measureInterleaved, summarizeLatency } from "../measure/index.ts";
import type { PairedJob, PairedVariant, VariantLatency } from "./child-protocol.ts";
import { meteredTimer, openEnergyMeter, type EnergyMeter } from "./energy/index.ts";
import { EpCannotStart, type EpSession, type EpSessionHost } from "./ep-session.ts";
import type { Send } from "./facts-pass.ts";
import { interleaveSettings } from "./measure-latency.ts";

/** One open variant. */
interface Live {
  readonly name: string;
  readonly session: EpSession;
  readonly feeds: PairedVariant["feeds"];
}

/**
 * Opens each variant's timed session into `live`; a variant that fails is reported and left
 * out. Resolves false (after `cannot-start`) when the EP cannot start here.
 */
async function openVariants(job: PairedJob, host: EpSessionHost, send: Send, live: Live[]): Promise<boolean> {
  for (const v of job.variants) {
    try {
      const session = await host.open(v.onnxPath, { timed: true, ...(v.intraOpThreads !== undefined ? { intraOpThreads: v.intraOpThreads } : {}) });
      live.push({ name: v.name, session, feeds: v.feeds });
    } catch (e) {
      if (e instanceof EpCannotStart) {
        await send({ type: "cannot-start", reason: e.reason, fix: e.fix });
        return false;
      }
      await send({ type: "variant-error", variant: v.name, message: (e as Error).message });
    }
  }
  return true;
}

/** Times the live variants at batch index `b` and sends their latencies (nothing when none takes this batch). */
async function timeBatch(job: PairedJob, live: readonly Live[], meter: EnergyMeter, b: number, send: Send): Promise<void> {
  const batch = job.batches[b]!;
  const timers: (ReturnType<typeof meteredTimer> & { live: Live })[] = [];
  let firstRunMs = 0;
  for (const v of live) {
    const spec = v.feeds[b];
    if (!spec || spec.inputs.length === 0) continue; // this precision cannot take this batch (its row says why)
    await v.session.feed(spec);
    firstRunMs = Math.max(firstRunMs, await v.session.run());
    timers.push({ ...meteredTimer({ name: v.name, runBlock: (n) => v.session.runBlock(n) }, meter, batch), live: v });
  }
  if (timers.length === 0) return;
  const res = await measureInterleaved(timers, interleaveSettings(job.measure, timers.length, job.seed + b, firstRunMs));
  const variants: VariantLatency[] = timers.map((t, i) => ({
    name: t.name,
    latency: summarizeLatency(res.samples[i]!),
    sketch: latencySketch(res.samples[i]!),
    sessionCreateMs: t.live.session.createMs,
    energy: t.energy(),
    ...(t.live.session.threads ? { threads: t.live.session.threads } : {}),
  }));
  await send({ type: "paired-batch", batch, variants, blocks: res.blocks, cycles: res.cycles });
}

/**
 * Runs a paired job on `host`: one `paired-batch` (or `batch-error`) per batch.
 * @param openMeter the energy meter's opener (tests pass one over absent counters).
 */
export async function runPairedPass(job: PairedJob, host: EpSessionHost, send: Send, openMeter: () => Promise<EnergyMeter> = openEnergyMeter): Promise<void> {
  const live: Live[] = [];
  let meter: EnergyMeter | undefined;
  try {
    if (!(await openVariants(job, host, send, live))) return;
    // The idle baseline is measured once (1 s) where the counters are readable.
    meter = await openMeter();
    for (const b of job.batches.keys()) {
      try {
        await timeBatch(job, live, meter, b, send);
      } catch (e) {
        await send({ type: "batch-error", batch: job.batches[b]!, message: (e as Error).message });
      }
    }
  } finally {
    meter?.close();
    for (const v of live) await v.session.dispose();
  }
}
