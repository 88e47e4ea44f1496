/**
 * `npm run bench -- variance`: where run-to-run spread comes from. A bare `session.run`
 * loop (no harness code) of LeNet at batch 1 on the CPU EP, measured two ways:
 * - in several fresh Node processes, one median each (the spread between processes);
 * - in one process, as consecutive blocks over time, each block followed by two pure-JS
 *   controls: a latency-bound loop (one dependent chain) and a throughput-bound one (eight
 *   independent multiply-add chains, the profiler's machine-speed reference, `speed-probe.ts`).
 * On a shared VM the ORT blocks switch between speed levels for seconds to minutes, and
 * the throughput-bound control moves with them while the latency-bound one stays flat:
 * the machine's arithmetic throughput itself changes (another tenant on the same core),
 * which no measurement schedule inside one run can remove.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { coefficientOfVariation } from "../measure/index.ts";
import { lenetPath, median } from "./bench-lenet.ts";
import type { BenchSection } from "./bench-section.ts";

const run = promisify(execFile);

/**
 * The child: load the model, 200 warm-up runs, then `blocks` blocks of `n` timed batch-1
 * runs each followed by the two JS controls; prints one JSON line
 * `{ ort: [ms…], js: [ms…], thr: [ms…] }` with each block's median run and control times (ms).
 */
const CHILD = `
import * as ort from "onnxruntime-node";
const [path, n, blocks] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const s = await ort.InferenceSession.create(path, { executionProviders: ["cpu"] });
const feeds = { [s.inputNames[0]]: new ort.Tensor("float32", new Float32Array(784).fill(0.5), [1, 1, 28, 28]) };
for (let i = 0; i < 200; i++) await s.run(feeds);
const ortMs = [], jsMs = [], thrMs = [];
const data = new Float64Array(2048).map((_, i) => i * 1e-3);
let x = 0;
for (let b = 0; b < blocks; b++) {
  const t = [];
  for (let i = 0; i < n; i++) { const a = performance.now(); await s.run(feeds); t.push(performance.now() - a); }
  t.sort((a, b) => a - b);
  ortMs.push(t[Math.floor(n / 2)]);
  const a = performance.now();
  for (let i = 0; i < 2e6; i++) x = (x * 1103515245 + 12345) % 2147483647;
  jsMs.push(performance.now() - a);
  const passes = [];
  for (let k = 0; k < 9; k++) {
    const c = performance.now();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let r = 0; r < 400; r++) for (let i = 0; i < 2048; i += 8) {
      s0 += data[i] * 1.0001; s1 += data[i + 1] * 1.0002; s2 += data[i + 2] * 0.9999; s3 += data[i + 3] * 1.0003;
      s4 += data[i + 4] * 0.9998; s5 += data[i + 5] * 1.0004; s6 += data[i + 6] * 0.9997; s7 += data[i + 7] * 1.0005;
    }
    x += (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7) * 1e-30;
    passes.push(performance.now() - c);
  }
  thrMs.push(passes.sort((p, q) => p - q)[4]);
}
console.log(JSON.stringify({ ort: ortMs, js: jsMs, thr: thrMs, x }));
`;

/** max/min of positive values. */
function spread(values: readonly number[]): number {
  return Math.max(...values) / Math.min(...values);
}

/** Pearson correlation of two equally long series (0 when either is constant). */
function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0,
    aa = 0,
    bb = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    ab += (x - ma) * (y - mb);
    aa += (x - ma) ** 2;
    bb += (y - mb) ** 2;
  });
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The `variance` bench section. */
export const varianceBench: BenchSection = {
  name: "variance",
  description:
    "LeNet batch-1 bare session.run medians in fresh processes, and in one process over time beside latency- and throughput-bound pure-JS controls: where run-to-run spread comes from",
  async run({ out, quick }) {
    const scratch = await mkdtemp(join(tmpdir(), "bench-variance-"));
    try {
      const model = await lenetPath(out, scratch);
      const script = join(process.cwd(), "bench", ".variance-child.mjs");
      await writeFile(script, CHILD);
      const child = async (n: number, blocks: number) => {
        const { stdout } = await run(process.execPath, [script, model.path, String(n), String(blocks)]);
        return JSON.parse(stdout.trim()) as { ort: number[]; js: number[]; thr: number[] };
      };
      const processes = quick ? 3 : 8;
      const medians: number[] = [];
      let overTime: { ort: number[]; js: number[]; thr: number[] };
      try {
        for (let i = 0; i < processes; i++) {
          medians.push((await child(quick ? 500 : 3000, 1)).ort[0]!);
          console.log(`  process ${i + 1}: p50 ${medians.at(-1)!.toFixed(4)} ms`);
        }
        overTime = await child(quick ? 500 : 2000, quick ? 5 : 240);
      } finally {
        await rm(script, { force: true });
      }
      console.log(`fresh processes: max/min of medians ${spread(medians).toFixed(2)}`);
      const cv = (v: number[]) => `${(coefficientOfVariation(v) * 100).toFixed(1)}%`;
      console.log(
        `one process, ${overTime.ort.length} blocks: ORT max/min ${spread(overTime.ort).toFixed(2)} (CV ${cv(overTime.ort)}); ` +
          `latency-bound JS max/min ${spread(overTime.js).toFixed(2)} (CV ${cv(overTime.js)}, correlation with ORT ${pearson(overTime.ort, overTime.js).toFixed(2)}); ` +
          `throughput-bound JS max/min ${spread(overTime.thr).toFixed(2)} (CV ${cv(overTime.thr)}, correlation with ORT ${pearson(overTime.ort, overTime.thr).toFixed(2)})`,
      );
      return {
        model: model.source,
        batch: 1,
        freshProcesses: { medians, medianOfMedians: median(medians), maxOverMin: spread(medians) },
        oneProcessOverTime: {
          runsPerBlock: quick ? 500 : 2000,
          ortBlockMedians: overTime.ort,
          ortMaxOverMin: spread(overTime.ort),
          ortCv: coefficientOfVariation(overTime.ort),
          jsBlockMs: overTime.js,
          jsMaxOverMin: spread(overTime.js),
          jsCv: coefficientOfVariation(overTime.js),
          jsCorrelationWithOrt: pearson(overTime.ort, overTime.js),
          throughputJsBlockMs: overTime.thr,
          throughputJsMaxOverMin: spread(overTime.thr),
          throughputJsCv: coefficientOfVariation(overTime.thr),
          throughputJsCorrelationWithOrt: pearson(overTime.ort, overTime.thr),
        },
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
