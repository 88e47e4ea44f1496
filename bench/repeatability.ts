/**
 * `npm run bench -- repeatability`: is the harness's answer the same twice? Runs the
 * default suite's CPU part (lenet, basic-cnn, fcnn; FP32 and INT8; batch 1 and 32; the
 * default row budget and rounds) twice in a row, and reports per model × batch both runs'
 * paired INT8/FP32 speedups with their 95% CIs (and whether each run's CI covers the other's
 * estimate), and per row the ratio of the two runs' absolute p50s.
 *
 * Then the measurement efficiency of pairing: the same suite measured the old way, FP32 and
 * INT8 each in its own children (the same time per precision, the same rounds), gives an
 * unpaired speedup with its CI; its half-width is set beside the paired one's from the runs.
 */
import { unpairedSpeedup } from "../measure/index.ts";
import { runProfile } from "../profile/index.ts";
import { suitePreparer } from "../pipeline/index.ts";
import type { Comparison, OkRow, RunResults } from "../formats/run/results-schema.ts";
import { speedupAgreement } from "../reports/index.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";

/** Goals of the section (issue: comparisons a lab can trust). */
export const REPEATABILITY_GOALS = { speedupTolerance: 0.1, p50Tolerance: 0.1, p50RowsWithin: 10, efficiency: 3 } as const;

const MODELS = ["lenet", "basic-cnn", "fcnn"];

async function suiteRun(o: BenchOptions, precisions: ("fp32" | "int8")[], label: string): Promise<RunResults> {
  console.log(`-- ${label}`);
  const run = await runProfile(
    {
      models: MODELS,
      dataset: "mnist",
      eps: ["cpu"],
      batches: [1, 32],
      precisions,
      out: o.out,
      quick: o.quick,
      ...(o.rounds !== undefined ? { rounds: o.rounds } : {}),
      // Accuracy and the per-op pass do not change timings; keep them short.
      accuracyLimit: 500,
      measure: { profileIterations: 0 },
      progress: false,
      printTable: false,
      log: (line) => (line.startsWith("  ") || line.startsWith("Run dir") ? console.log(line) : undefined),
    },
    undefined,
    suitePreparer,
  );
  return run.results;
}

const halfWidth = (ci: readonly [number, number], estimate: number) => (ci[1] - ci[0]) / 2 / estimate;
const okOf = (r: RunResults) => r.rows.filter((x): x is OkRow => x.state === "ok");
const precisionOnes = (r: RunResults) => r.comparisons.filter((c): c is Comparison => c.kind === "precision");

async function run(o: BenchOptions): Promise<Record<string, unknown>> {
  const first = await suiteRun(o, ["fp32", "int8"], "run 1 of 2 (paired)");
  const second = await suiteRun(o, ["fp32", "int8"], "run 2 of 2 (paired)");
  const pairs = precisionOnes(first).map((a) => {
    const b = precisionOnes(second).find((c) => c.model === a.model && c.batch === a.batch && c.variant === a.variant);
    if (!b) return { model: a.model, batch: a.batch, run1: a, run2: null };
    const g = speedupAgreement(a, b, REPEATABILITY_GOALS.speedupTolerance);
    return {
      model: a.model,
      batch: a.batch,
      run1: { speedup: a.speedup, ci95: a.ci95, pairs: a.pairs, verdict: a.verdict },
      run2: { speedup: b.speedup, ci95: b.ci95, pairs: b.pairs, verdict: b.verdict },
      ratio: g.ratio,
      withinTolerance: g.withinTolerance,
      run2InsideRun1Ci: g.insideCi,
      run1InsideRun2Ci: a.speedup >= b.ci95[0] && a.speedup <= b.ci95[1],
    };
  });
  const rows = okOf(first).map((a) => {
    const b = okOf(second).find((r) => r.key === a.key);
    return { key: a.key, p50Run1Ms: a.latency.p50, p50Run2Ms: b?.latency.p50 ?? null, ratio: b ? b.latency.p50 / a.latency.p50 : null };
  });
  console.log("\nspeedup (INT8 over FP32, paired)   run 1                    run 2                    run2/run1  inside CI 1");
  for (const p of pairs) {
    if (!p.run2 || !("ratio" in p)) continue;
    const f = (s: { speedup: number; ci95: readonly [number, number] }) =>
      `${s.speedup.toFixed(3)} [${s.ci95[0].toFixed(3)}–${s.ci95[1].toFixed(3)}]`.padEnd(25);
    console.log(`${`${p.model} b${p.batch}`.padEnd(35)}${f(p.run1)}${f(p.run2)}${p.ratio!.toFixed(3).padEnd(11)}${p.run2InsideRun1Ci ? "yes" : "no"}`);
  }
  const p50Within = rows.filter((r) => r.ratio !== null && Math.abs(r.ratio - 1) <= REPEATABILITY_GOALS.p50Tolerance).length;
  console.log(`absolute p50 within ±10% between runs: ${p50Within} of ${rows.length} rows`);

  // The unpaired design of the same measuring time: FP32 alone, then INT8 alone, each in its own children.
  const alone32 = await suiteRun(o, ["fp32"], "unpaired: FP32 alone");
  const alone8 = await suiteRun(o, ["int8"], "unpaired: INT8 alone");
  const efficiency = precisionOnes(first).map((a) => {
    const f = okOf(alone32).find((r) => r.model === a.model && r.batch === a.batch);
    const q = okOf(alone8).find((r) => r.model === a.model && r.batch === a.batch);
    const unpaired = f && q ? unpairedSpeedup(f.roundBlockMedians ?? [], q.roundBlockMedians ?? []) : null;
    // The same paired run's blocks, resampled as if they were not paired.
    const fp = okOf(first).find((r) => r.model === a.model && r.batch === a.batch && r.precision === "fp32");
    const ip = okOf(first).find((r) => r.model === a.model && r.batch === a.batch && r.precision === a.variant);
    const sameData = fp && ip ? unpairedSpeedup(fp.roundBlockMedians ?? [], ip.roundBlockMedians ?? []) : null;
    const paired = halfWidth(a.ci95, a.speedup);
    return {
      model: a.model,
      batch: a.batch,
      paired: { speedup: a.speedup, ci95: a.ci95, relativeHalfWidth: paired },
      unpaired: unpaired ? { speedup: unpaired.speedup, ci95: unpaired.ci95, relativeHalfWidth: halfWidth(unpaired.ci95, unpaired.speedup) } : null,
      sameBlocksUnpaired: sameData ? { speedup: sameData.speedup, ci95: sameData.ci95, relativeHalfWidth: halfWidth(sameData.ci95, sameData.speedup) } : null,
      narrowerBy: unpaired ? halfWidth(unpaired.ci95, unpaired.speedup) / paired : null,
    };
  });
  console.log("\nCI half-width of the speedup (relative)   paired    unpaired (own children)   narrower by");
  for (const e of efficiency) {
    console.log(
      `${`${e.model} b${e.batch}`.padEnd(42)}${(e.paired.relativeHalfWidth * 100).toFixed(2).padStart(6)}%   ${e.unpaired ? `${(e.unpaired.relativeHalfWidth * 100).toFixed(2).padStart(6)}% (${e.unpaired.speedup.toFixed(3)}×)` : "-".padStart(7)}          ${e.narrowerBy?.toFixed(1) ?? "-"}×`,
    );
  }
  const complete = pairs.filter((p) => "ratio" in p);
  return {
    goals: REPEATABILITY_GOALS,
    settings: first.settings,
    summary: {
      speedupsWithin10Percent: `${complete.filter((p) => "withinTolerance" in p && p.withinTolerance).length} of ${complete.length}`,
      run2InsideRun1Ci: `${complete.filter((p) => "run2InsideRun1Ci" in p && p.run2InsideRun1Ci).length} of ${complete.length}`,
      p50Within10Percent: `${p50Within} of ${rows.length}`,
      medianNarrowerBy: (() => {
        const xs = efficiency.flatMap((e) => (e.narrowerBy ? [e.narrowerBy] : [])).sort((a, b) => a - b);
        return xs.length ? xs[Math.floor(xs.length / 2)] : null;
      })(),
    },
    speedStability: { run1: first.stability.speedProbeMs ?? null, run2: second.stability.speedProbeMs ?? null },
    pairs,
    rows,
    efficiency,
  };
}

/** The `repeatability` bench section. */
export const repeatabilityBench: BenchSection = {
  name: "repeatability",
  description: "the CPU suite twice in a row: paired INT8/FP32 speedups and CIs of both runs, p50 ratios; paired vs unpaired CI width",
  run,
};
