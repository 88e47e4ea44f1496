/**
 * Measures an EP's ceilings. On onnxruntime-node's EPs (cpu, cuda, webgpu) each kind climbs
 * a ladder of device-resident problems in a measuring child (ceiling-ladder.ts,
 * ceiling-child.ts) until its rate stops rising: the figure is the device's, sized to the
 * machine; the host link is measured apart (link-h2d, link-d2h). The browser EPs, whose
 * child speaks only the paired protocol, time the fixed-size models of ceiling-models.ts.
 * Rounds are fresh children, interleaved (fp32, int8, bandwidth, fp32, …); a figure is the
 * best round's (ops / p50 for compute, bytes / p50 for bandwidth and the link).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../../formats/onnx/onnx-io.ts";
import type { ChildMessage, PairedJob } from "../child-protocol.ts";
import type { EpRunner } from "../ep-runner.ts";
import type { MeasureSettings } from "../../formats/options/profile-options.ts";
import { runChild } from "../run-child.ts";
import { percentile } from "../../measure/index.ts";
import { availableParallelism } from "node:os";
import { ceilingModels, figureAt, noInt8Reason, type CeilingModel } from "./ceiling-models.ts";
import type { CeilingFigure, CeilingKind, EpCeilings } from "../../formats/run/ceiling-cache.ts";
import { bestStep, ceilingKindsFor, ladderPlan, type LadderStep, type LadderStop } from "./ceiling-ladder.ts";
import { ladderModel } from "./device-models.ts";

export { figureAt };

/** Options of {@link measureCeilings}. */
export interface CeilingOptions {
  /** Rounds per ceiling (each a fresh child); default 3 (1 when quick). */
  readonly rounds?: number;
  /** Smaller problems and shorter timing (a smoke run). */
  readonly quick?: boolean;
  /** The EP runs on a software adapter (SwiftShader): its ladders start small (ceiling-ladder.ts). */
  readonly software?: boolean;
  /** Wall-clock limit per child, ms; default 120,000. */
  readonly childTimeoutMs?: number;
  /** Progress lines; default silent. */
  readonly log?: (line: string) => void;
}

/** Timing of one ceiling round: warm-up, then at least 0.6 s (0.2 s quick) and 5 runs, at most 4 s. */
function settings(quick: boolean): MeasureSettings {
  return {
    warmupTimeMs: quick ? 50 : 200,
    warmupIterations: 3,
    minTimeMs: quick ? 200 : 600,
    minIterations: 5,
    rowBudgetMs: 4000,
    blockMs: 50,
    minCycles: 1,
    profileIterations: 0,
    profileBudgetMs: 0,
    accuracyBudgetMs: 0,
  };
}

async function oneRound(runner: EpRunner, m: CeilingModel, path: string, o: Required<Omit<CeilingOptions, "log">>): Promise<RoundResult | { error: string }> {
  // A paired child with one variant: the profiler's own timing protocol (measure/interleave.ts).
  const job: PairedJob = {
    kind: "paired",
    ep: runner.name,
    batches: [1],
    measure: settings(o.quick),
    seed: 1,
    variants: [
      { name: m.kind, onnxPath: path, feeds: [{ batch: 1, inputs: [{ name: m.input.name, shape: [...m.input.shape], elemType: m.input.elemType }] }] },
    ],
  };
  let result: { p50: number; min: number } | { error: string } | undefined;
  const exit = await runChild(job, {
    env: runner.childEnv(),
    timeoutMs: o.childTimeoutMs,
    script: runner.childScript,
    onMessage: (msg: ChildMessage) => {
      const v = msg.type === "paired-batch" ? msg.variants[0] : undefined;
      if (v) result = { p50: v.latency.p50, min: v.latency.min };
      else if (msg.type === "batch-error") result = { error: msg.message };
      else if (msg.type === "cannot-start") result = { error: `${msg.reason} (${msg.fix})` };
    },
  });
  return (
    result ?? {
      error: `child ended without a figure (exit ${String(exit.exitCode)}${exit.timedOut ? ", timed out" : ""}): ${exit.stderrTail.split("\n").filter(Boolean).pop() ?? ""}`,
    }
  );
}

/** One round of one kind: a ladder climbed in one child. */
interface RoundResult {
  readonly p50: number;
  readonly min: number;
  readonly steps?: readonly LadderStep[];
  readonly stop?: LadderStop;
  readonly stopMessage?: string;
  readonly description?: string;
}

/** The settings a ceiling depends on, recorded beside it: the CPU's threads, CUDA's TF32. */
export function ceilingSettings(ep: string, threads: number): Record<string, string> {
  if (ep === "cpu") return { intraOpNumThreads: String(threads), spinning: "on (one session per child)" };
  if (ep === "cuda") return { tf32: "on (ORT's CUDA EP default use_tf32=1: FP32 MatMul and Conv on TF32 tensor cores)" };
  return {};
}

async function climbRound(
  runner: EpRunner,
  kind: CeilingKind,
  o: Required<Omit<CeilingOptions, "log">>,
  threads: number,
): Promise<RoundResult | { error: string }> {
  const steps: LadderStep[] = [];
  let stop: LadderStop | undefined;
  let stopMessage: string | undefined;
  const descriptions = new Map<number, string>();
  let other: string | undefined;
  const exit = await runChild(
    {
      kind: "ceiling",
      ep: runner.name,
      plan: ladderPlan(kind, runner.name, o.quick, o.software),
      ...(runner.name === "cpu" ? { intraOpThreads: threads } : {}),
    },
    {
      env: runner.childEnv(),
      timeoutMs: o.childTimeoutMs,
      onMessage: (msg: ChildMessage) => {
        if (msg.type === "ceiling-step") {
          steps.push(msg.step);
          descriptions.set(msg.step.rung, msg.description);
        } else if (msg.type === "ceiling-stop") {
          stop = msg.stop;
          stopMessage = msg.message;
        } else if (msg.type === "cannot-start") other = `${msg.reason} (${msg.fix})`;
      },
    },
  );
  const best = bestStep(steps);
  if (!best) {
    const tail = exit.stderrTail.split("\n").filter(Boolean).pop() ?? "";
    return { error: other ?? stopMessage ?? `child ended without a figure (exit ${String(exit.exitCode)}${exit.timedOut ? ", timed out" : ""}): ${tail}` };
  }
  return {
    p50: best.p50Ms,
    min: best.p50Ms,
    steps,
    stop: stop ?? "error",
    ...(stopMessage ? { stopMessage } : {}),
    description: descriptions.get(best.rung) ?? kind,
  };
}

/** Measures the ceilings of `runner`'s EP on this machine. */
export async function measureCeilings(runner: EpRunner, options: CeilingOptions = {}): Promise<EpCeilings> {
  const o = {
    rounds: options.rounds ?? (options.quick ? 1 : 3),
    quick: options.quick ?? false,
    software: options.software ?? false,
    childTimeoutMs: options.childTimeoutMs ?? 120_000,
  };
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const threads = availableParallelism();
  const dir = await mkdtemp(join(tmpdir(), "ceilings-"));
  // Browser EPs time fixed-size models through the paired protocol; onnxruntime-node's EPs climb device-resident ladders.
  const ladder = runner.childScript === undefined;
  const kinds: CeilingKind[] = ladder ? ceilingKindsFor(runner.name) : ceilingModels(runner.name, o.quick).map((m) => m.kind);
  const fixed = new Map(ladder ? [] : ceilingModels(runner.name, o.quick).map((m) => [m.kind, m]));
  const notes: string[] = [];
  const int8Note = noInt8Reason(runner.name);
  if (int8Note) notes.push(int8Note);
  try {
    const paths = new Map<CeilingKind, string>();
    for (const [kind, m] of fixed) {
      const path = join(dir, `${kind}.onnx`);
      await writeOnnx(path, m.model);
      paths.set(kind, path);
    }
    const rounds = new Map<CeilingKind, RoundResult[]>(kinds.map((k) => [k, []]));
    const errors = new Map<CeilingKind, string>();
    for (let r = 0; r < o.rounds; r++) {
      for (const kind of kinds) {
        if (errors.has(kind)) continue;
        const m = fixed.get(kind);
        const res = m ? await oneRound(runner, m, paths.get(kind) ?? "", o) : await climbRound(runner, kind, o, threads);
        if ("error" in res) errors.set(kind, res.error);
        else {
          rounds.get(kind)?.push(res);
          const at = m ?? ladderModel(kind, res.steps ? (bestStep(res.steps)?.rung ?? 0) : 0);
          const f = figureAt(at, res.p50);
          const climb = res.steps ? ` at ${sizeLabel(kind, bestStep(res.steps)?.size ?? 0)} (${res.steps.length} rungs, stopped: ${res.stop})` : "";
          log(`ceilings ${runner.name} round ${r + 1}/${o.rounds}: ${kind} ${f.value.toFixed(1)} ${f.unit}${climb} (p50 ${res.p50.toFixed(3)} ms)`);
        }
      }
    }
    const figures: CeilingFigure[] = [];
    for (const kind of kinds) {
      const err = errors.get(kind);
      if (err) notes.push(`${kind} not measured: ${err}`);
      const rs = rounds.get(kind) ?? [];
      if (rs.length === 0) continue;
      const models = rs.map((x) => fixed.get(kind) ?? ladderModel(kind, x.steps ? (bestStep(x.steps)?.rung ?? 0) : 0));
      const values = rs.map((x, k) => figureAt(models[k]!, x.p50).value);
      const bestRound = values.indexOf(Math.max(...values));
      const top = rs[bestRound]!;
      const stopNote = rs.find((x) => x.stopMessage)?.stopMessage;
      if (stopNote) notes.push(`${kind}: the ladder stopped at a rung that failed (${stopNote}); the rungs below it stand`);
      figures.push({
        kind,
        description: top.description ?? models[bestRound]!.description,
        unit: figureAt(models[0]!, 1).unit,
        value: Math.max(...values),
        median: percentile(
          [...values].sort((a, b) => a - b),
          50,
        ),
        min: Math.min(...values),
        max: Math.max(...values),
        best: Math.max(...rs.map((x, k) => figureAt(models[k]!, x.min).value)),
        roundP50Ms: rs.map((x) => x.p50),
        ...(top.steps ? { ladder: top.steps.map((s) => ({ size: s.size, value: s.value, p50Ms: s.p50Ms })), stop: top.stop ?? "error" } : {}),
        deviceResident: ladder && !kind.startsWith("link"),
      });
    }
    const get = (kind: string) => figures.find((f) => f.kind === kind)?.value ?? null;
    const best = (...ks: string[]) => {
      const known = ks.map(get).filter((v): v is number => v !== null);
      return known.length > 0 ? Math.max(...known) : null;
    };
    return {
      ep: runner.name,
      measuredAt: new Date().toISOString(),
      seconds: (performance.now() - t0) / 1000,
      figures,
      fp32Gflops: best("fp32-matmul", "fp32-conv"),
      fp16Gflops: get("fp16-matmul"),
      int8Gops: best("int8-qlinearmatmul", "int8-matmulinteger"),
      bandwidthGBs: get("bandwidth"),
      linkH2dGBs: get("link-h2d"),
      linkD2hGBs: get("link-d2h"),
      settings: ladder ? ceilingSettings(runner.name, threads) : {},
      notes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A ladder rung's size in words: `4096²`, `64 MiB`, `c²·hw² = …`. */
export function sizeLabel(kind: CeilingKind, size: number): string {
  if (kind === "bandwidth" || kind.startsWith("link")) return `${((size * 4) / 2 ** 20).toFixed(0)} MiB`;
  if (kind === "fp32-conv") return `c²·hw² ${size.toExponential(1)}`;
  return `${size}²`;
}
