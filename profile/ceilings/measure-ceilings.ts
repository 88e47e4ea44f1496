/**
 * Measures an EP's ceilings: each ceiling model (ceiling-models.ts) runs in the same
 * measuring child as a profile row (child-main.ts, or the EP's own child script), rounds
 * interleaved (fp32, int8, bandwidth, fp32, …), and each round's median latency becomes a
 * figure: ops / p50 for compute, bytes / p50 for bandwidth.
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
import type { CeilingFigure, EpCeilings } from "./ceiling-cache.ts";
import { ceilingModels, noInt8Reason, type CeilingModel } from "./ceiling-models.ts";

/** Options of {@link measureCeilings}. */
export interface CeilingOptions {
  /** Rounds per ceiling (each a fresh child); default 3 (1 when quick). */
  readonly rounds?: number;
  /** Smaller problems and shorter timing (a smoke run). */
  readonly quick?: boolean;
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

/** The unit and figure of `m` at latency `ms`. */
export function figureAt(m: CeilingModel, ms: number): { unit: string; value: number } {
  if (m.kind === "bandwidth") return { unit: "GB/s", value: m.bytes / (ms * 1e6) };
  return { unit: m.kind.startsWith("fp32") ? "GFLOP/s" : "GOP/s", value: m.ops / (ms * 1e6) };
}

async function oneRound(
  runner: EpRunner,
  m: CeilingModel,
  path: string,
  o: Required<Omit<CeilingOptions, "log">>,
): Promise<{ p50: number; min: number } | { error: string }> {
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
    childModule: runner.childModule,
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

/** Measures the ceilings of `runner`'s EP on this machine. */
export async function measureCeilings(runner: EpRunner, options: CeilingOptions = {}): Promise<EpCeilings> {
  const o = { rounds: options.rounds ?? (options.quick ? 1 : 3), quick: options.quick ?? false, childTimeoutMs: options.childTimeoutMs ?? 120_000 };
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const dir = await mkdtemp(join(tmpdir(), "ceilings-"));
  const models = ceilingModels(runner.name, o.quick);
  const notes: string[] = [];
  const int8Note = noInt8Reason(runner.name);
  if (int8Note) notes.push(int8Note);
  try {
    const paths = await Promise.all(
      models.map(async (m) => {
        const path = join(dir, `${m.kind}.onnx`);
        await writeOnnx(path, m.model);
        return path;
      }),
    );
    const rounds = new Map<string, { p50: number; min: number }[]>(models.map((m) => [m.kind, []]));
    const errors = new Map<string, string>();
    for (let r = 0; r < o.rounds; r++) {
      for (const [k, m] of models.entries()) {
        if (errors.has(m.kind)) continue;
        const res = await oneRound(runner, m, paths[k] ?? "", o);
        if ("error" in res) errors.set(m.kind, res.error);
        else {
          rounds.get(m.kind)?.push(res);
          log(
            `ceilings ${runner.name} round ${r + 1}/${o.rounds}: ${m.kind} ${figureAt(m, res.p50).value.toFixed(1)} ${figureAt(m, res.p50).unit} (p50 ${res.p50.toFixed(3)} ms)`,
          );
        }
      }
    }
    const figures: CeilingFigure[] = [];
    for (const m of models) {
      const err = errors.get(m.kind);
      if (err) notes.push(`${m.kind} not measured: ${err}`);
      const rs = rounds.get(m.kind) ?? [];
      if (rs.length === 0) continue;
      const values = rs.map((x) => figureAt(m, x.p50).value);
      figures.push({
        kind: m.kind,
        description: m.description,
        unit: figureAt(m, 1).unit,
        value: Math.max(...values),
        median: percentile(
          [...values].sort((a, b) => a - b),
          50,
        ),
        min: Math.min(...values),
        max: Math.max(...values),
        best: figureAt(m, Math.min(...rs.map((x) => x.min))).value,
        roundP50Ms: rs.map((x) => x.p50),
      });
    }
    const get = (kind: string) => figures.find((f) => f.kind === kind)?.value ?? null;
    const best = (...kinds: string[]) => {
      const known = kinds.map(get).filter((v): v is number => v !== null);
      return known.length > 0 ? Math.max(...known) : null;
    };
    return {
      ep: runner.name,
      measuredAt: new Date().toISOString(),
      seconds: (performance.now() - t0) / 1000,
      figures,
      fp32Gflops: best("fp32-matmul", "fp32-conv"),
      int8Gops: best("int8-qlinearmatmul", "int8-matmulinteger"),
      bandwidthGBs: get("bandwidth"),
      notes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
