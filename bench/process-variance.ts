/**
 * `npm run bench -- variance`: where run-to-run spread comes from. A bare `session.run`
 * loop (no harness code) of LeNet at batch 1 on the CPU EP, measured two ways:
 * - in several fresh Node processes, one median each (the spread between processes);
 * - in one process, as consecutive blocks over time, each block also timing a pure-JS
 *   arithmetic loop as a control (the drift over time, and whether plain compute drifts too).
 * On a shared VM the ORT blocks switch between speed levels every few seconds while the
 * JS control stays flat, which is why the profiler spreads each row's rounds over the run.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { coefficientOfVariation } from "../profile/statistics.ts";
import { lenetPath, median } from "./bench-lenet.ts";
import type { BenchSection } from "./bench-section.ts";

const run = promisify(execFile);

/**
 * The child: load the model, 200 warm-up runs, then `blocks` blocks of `n` timed batch-1
 * runs each followed by a pure-JS loop; prints one JSON line `{ ort: [ms…], js: [ms…] }`
 * with each block's median run (ms) and JS loop time (ms).
 */
const CHILD = `
import * as ort from "onnxruntime-node";
const [path, n, blocks] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const s = await ort.InferenceSession.create(path, { executionProviders: ["cpu"] });
const feeds = { [s.inputNames[0]]: new ort.Tensor("float32", new Float32Array(784).fill(0.5), [1, 1, 28, 28]) };
for (let i = 0; i < 200; i++) await s.run(feeds);
const ortMs = [], jsMs = [];
let x = 0;
for (let b = 0; b < blocks; b++) {
  const t = [];
  for (let i = 0; i < n; i++) { const a = performance.now(); await s.run(feeds); t.push(performance.now() - a); }
  t.sort((a, b) => a - b);
  ortMs.push(t[Math.floor(n / 2)]);
  const a = performance.now();
  for (let i = 0; i < 2e6; i++) x = (x * 1103515245 + 12345) % 2147483647;
  jsMs.push(performance.now() - a);
}
console.log(JSON.stringify({ ort: ortMs, js: jsMs, x }));
`;

/** max/min of positive values. */
function spread(values: readonly number[]): number {
  return Math.max(...values) / Math.min(...values);
}

/** The `variance` bench section. */
export const varianceBench: BenchSection = {
  name: "variance",
  description: "LeNet batch-1 bare session.run medians in fresh processes, and in one process over time beside a pure-JS control: where run-to-run spread comes from",
  async run({ out, quick }) {
    const scratch = await mkdtemp(join(tmpdir(), "bench-variance-"));
    try {
      const model = await lenetPath(out, scratch);
      const script = join(process.cwd(), "bench", ".variance-child.mjs");
      await writeFile(script, CHILD);
      const child = async (n: number, blocks: number) => {
        const { stdout } = await run(process.execPath, [script, model.path, String(n), String(blocks)]);
        return JSON.parse(stdout.trim()) as { ort: number[]; js: number[] };
      };
      const processes = quick ? 3 : 8;
      const medians: number[] = [];
      let overTime: { ort: number[]; js: number[] };
      try {
        for (let i = 0; i < processes; i++) {
          medians.push((await child(quick ? 500 : 3000, 1)).ort[0]!);
          console.log(`  process ${i + 1}: p50 ${medians.at(-1)!.toFixed(4)} ms`);
        }
        overTime = await child(quick ? 500 : 2000, quick ? 5 : 40);
      } finally {
        await rm(script, { force: true });
      }
      console.log(`fresh processes: max/min of medians ${spread(medians).toFixed(2)}`);
      console.log(`one process, ${overTime.ort.length} blocks: ORT max/min ${spread(overTime.ort).toFixed(2)} (CV ${(coefficientOfVariation(overTime.ort) * 100).toFixed(1)}%), ` +
        `pure-JS control max/min ${spread(overTime.js).toFixed(2)} (CV ${(coefficientOfVariation(overTime.js) * 100).toFixed(1)}%)`);
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
        },
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
