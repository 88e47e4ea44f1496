/**
 * `npm run bench -- ceilings [--eps cpu,webgpu,…]`: each EP's measured ceilings (default the CPU EP's) (FP32 MatMul, INT8
 * QLinearMatMul and MatMulInteger, memory bandwidth; 3 interleaved rounds, each a fresh
 * child process) beside the theoretical peak derived from the CPU facts, cached for the
 * profile report under `<out>/ceilings/`; then the best achieved GFLOP/s (GOP/s) of the
 * latest run under `<out>/runs/` as a share of the measured ceiling.
 */
import { readdir, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { encodeOnnx } from "../formats/onnx/onnx-io.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import { join } from "node:path";
import { achieved, deviceP50, loadRowWork } from "../reports/index.ts";
import {
  measureCeilings,
  procCpuinfoClock,
  theoreticalPeak,
  defaultEpRegistry,
  resolveEps,
  selectEps,
  collectHardware,
  fp32MatMul,
  gpuDatasheet,
  timeRuns,
} from "../profile/index.ts";
import { readRunResults, type OkRow } from "../formats/run/results-schema.ts";
import { writeCeilings, type EpCeilings } from "../formats/run/ceiling-cache.ts";
import { onSoftwareAdapter } from "../formats/run/software-adapter-fact.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";

async function latestRun(out: string): Promise<string | undefined> {
  const root = join(out, "runs");
  const dirs = await readdir(root).catch(() => [] as string[]);
  const withResults: { dir: string; mtime: number }[] = [];
  for (const d of dirs) {
    const s = await stat(join(root, d, "results.json")).catch(() => undefined);
    if (s) withResults.push({ dir: join(root, d), mtime: s.mtimeMs });
  }
  return withResults.sort((a, b) => b.mtime - a.mtime)[0]?.dir;
}

async function bestOfRun(out: string, c: EpCeilings): Promise<Record<string, unknown>> {
  const dir = await latestRun(out);
  if (!dir) return { run: null, note: `no run with results.json under ${join(out, "runs")}: run npm run profile first` };
  const results = await readRunResults(dir);
  const rows = results.rows.filter((r): r is OkRow => r.state === "ok" && r.ep === c.ep);
  const work = await loadRowWork(dir, rows);
  const figures = rows
    .flatMap((r) => {
      const w = work.get(r.key);
      if (!w) return [];
      const a = achieved(w, deviceP50(r), c);
      return [
        {
          row: r.key,
          p50Ms: r.latency.p50,
          opsPerRun: w.flops,
          intensity: a.intensity,
          achieved: a.gops,
          unit: a.unit,
          ceilingShare: a.ceilingShare,
          bound: a.bound,
        },
      ];
    })
    .sort((a, b) => b.achieved - a.achieved);
  const best = figures[0];
  if (best)
    console.log(
      `best achieved in ${dir}: ${best.row} ${best.achieved.toFixed(2)} ${best.unit} = ${((best.ceilingShare ?? 0) * 100).toFixed(1)}% of the measured ceiling (${best.bound}-bound, ${best.intensity.toFixed(1)} FLOP/byte)`,
    );
  return { run: dir, best: best ?? null, rows: figures };
}

/**
 * A bare onnxruntime-node loop over `[n, n] × [n, n]` FP32 MatMuls (n = 256 … 4096), the
 * input uploaded each run as a user's code would: the best rate a plain session reaches, to
 * hold the ceiling against. Sizes whose run exceeds 1.5 s (0.3 s quick) end the sweep.
 */
async function bareMatMulLoop(threads: number, quick: boolean): Promise<{ sizes: { n: number; gflops: number; p50Ms: number; runs: number }[]; best: number }> {
  const sizes: { n: number; gflops: number; p50Ms: number; runs: number }[] = [];
  for (const n of quick ? [256, 512] : [256, 384, 512, 1024, 2048, 4096]) {
    const m = fp32MatMul(n);
    const session = await openOrtSession(encodeOnnx(m.model), ortSessionOptions({ intraOpThreads: threads, logLevel: 3 }));
    try {
      const feeds = { a: new ort.Tensor("float32", new Float32Array(n * n).fill(0.5), [n, n]) };
      const times = await timeRuns(() => session.run(feeds), quick ? 100 : 300, quick ? 300 : 1500);
      const p50Ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      sizes.push({ n, gflops: m.ops / (p50Ms * 1e6), p50Ms, runs: times.length });
      if (p50Ms > (quick ? 300 : 1500)) break;
    } finally {
      await session.release();
    }
  }
  return { sizes, best: Math.max(0, ...sizes.map((s) => s.gflops)) };
}

async function run(options: BenchOptions): Promise<Record<string, unknown>> {
  const hw = await collectHardware();
  const peak = theoreticalPeak(hw, await procCpuinfoClock());
  const runners = selectEps(defaultEpRegistry(), [...(options.eps ?? ["cpu"])]);
  const statuses = await resolveEps(runners);
  const measured: EpCeilings[] = [];
  const skipped: { ep: string; reason: string; fix: string }[] = [];
  for (const [k, runner] of runners.entries()) {
    const st = statuses[k];
    if (st && st.state === "skipped") {
      skipped.push({ ep: runner.name, reason: st.reason, fix: st.fix });
      console.log(`${runner.name}: skipped: ${st.reason} (${st.fix})`);
      continue;
    }
    const software = onSoftwareAdapter(st);
    const c = await measureCeilings(runner, {
      quick: options.quick,
      software,
      ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
      log: (l) => console.log(l),
    });
    const sheet = runner.name === "cuda" || runner.name === "webgpu" ? gpuDatasheet(hw) : undefined;
    measured.push(runner.name === "cpu" ? { ...c, theoretical: peak } : sheet ? { ...c, datasheet: sheet } : c);
    if (sheet)
      console.log(
        `${runner.name} datasheet (not measured): ${sheet.gpu} FP32 ${sheet.fp32Gflops?.toFixed(0) ?? "n/a"}, TF32 ${sheet.tf32Gflops?.toFixed(0) ?? "n/a"}, FP16 ${sheet.fp16Gflops?.toFixed(0) ?? "n/a"} GFLOP/s, ${sheet.bandwidthGBs ?? "n/a"} GB/s = ${sheet.formula}`,
      );
    for (const f of c.figures) {
      console.log(
        `${runner.name} ${f.kind.padEnd(20)} ${f.value.toFixed(1)} ${f.unit} (best round; median ${f.median.toFixed(1)}, rounds ${f.min.toFixed(1)}–${f.max.toFixed(1)}, best single run ${f.best.toFixed(1)})  ${f.description}`,
      );
    }
    for (const n of c.notes) console.log(`${runner.name}: ${n}`);
    console.log(`${runner.name}: ceilings took ${c.seconds.toFixed(1)} s`);
  }
  const cache = measured.length > 0 ? await writeCeilings(options.out, hw, measured) : null;
  console.log(`theoretical FP32 peak ${peak.fp32Gflops?.toFixed(1) ?? "n/a"} GFLOP/s = ${peak.fp32Formula}`);
  console.log(`theoretical INT8 peak ${peak.int8Gops?.toFixed(1) ?? "n/a"} GOP/s = ${peak.int8Formula}`);
  console.log(`(${peak.caveat})`);
  const cpu = measured.find((c) => c.ep === "cpu");
  const share = (m: number | null | undefined, p: number | null) => (m != null && p ? m / p : null);
  if (cpu)
    console.log(
      `cpu measured / theoretical: FP32 ${((share(cpu.fp32Gflops, peak.fp32Gflops) ?? 0) * 100).toFixed(0)}%, INT8 ${((share(cpu.int8Gops, peak.int8Gops) ?? 0) * 100).toFixed(0)}%; cached in ${cache}`,
    );
  // The CPU FP32 ceiling beside the best a bare onnxruntime-node loop reaches over plain MatMuls (input uploaded each run), same threads, one run.
  const bare = cpu ? await bareMatMulLoop(Number(cpu.settings?.intraOpNumThreads ?? availableParallelism()), options.quick) : null;
  if (cpu && bare) {
    for (const b of bare.sizes)
      console.log(`bare onnxruntime-node MatMul ${b.n}²: ${b.gflops.toFixed(1)} GFLOP/s (p50 ${b.p50Ms.toFixed(3)} ms, ${b.runs} runs)`);
    const ratio = cpu.fp32Gflops !== null && bare.best > 0 ? cpu.fp32Gflops / bare.best : null;
    console.log(
      `cpu FP32 ceiling ${cpu.fp32Gflops?.toFixed(1) ?? "n/a"} GFLOP/s vs best bare MatMul loop ${bare.best.toFixed(1)} GFLOP/s: ${ratio !== null ? `${(ratio * 100).toFixed(0)}%` : "n/a"} (goal ≥ 90%)`,
    );
  }
  const best: Record<string, unknown> = {};
  for (const c of measured) best[c.ep] = await bestOfRun(options.out, c);
  return {
    cpu: hw.cpu,
    ceilings: measured,
    bareMatMulLoop: bare,
    skipped,
    theoretical: peak,
    measuredOverTheoretical: { fp32: share(cpu?.fp32Gflops, peak.fp32Gflops), int8: share(cpu?.int8Gops, peak.int8Gops) },
    cache,
    bestOfLatestRun: best,
    loadAverage: (await import("node:os")).loadavg(),
    note: "measured on a shared machine: other tenants' load lowers and spreads the figures (see min/max over rounds)",
  };
}

/** The `ceilings` bench section. */
export const ceilingsBench: BenchSection = {
  name: "ceilings",
  description: "CPU EP ceilings (FP32/INT8 MatMul, memory bandwidth) vs the theoretical peak from the CPU facts; best achieved GFLOP/s of the latest run",
  run,
};
