/**
 * `npm run bench -- variance`: the same bare `session.run` loop (no harness code) in
 * several fresh Node processes, one median each. Spread between processes is what limits
 * run-to-run repeatability of the profiler's sub-millisecond CPU rows.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { lenetPath, median } from "./bench-lenet.ts";
import type { BenchSection } from "./bench-section.ts";

const run = promisify(execFile);

/** The child: load the model, 200 warm-up runs, then the median of `n` timed batch-1 runs (ms). */
const CHILD = `
import * as ort from "onnxruntime-node";
const [path, n] = [process.argv[2], Number(process.argv[3])];
const s = await ort.InferenceSession.create(path, { executionProviders: ["cpu"] });
const feeds = { [s.inputNames[0]]: new ort.Tensor("float32", new Float32Array(784).fill(0.5), [1, 1, 28, 28]) };
for (let i = 0; i < 200; i++) await s.run(feeds);
const t = [];
for (let i = 0; i < n; i++) { const a = performance.now(); await s.run(feeds); t.push(performance.now() - a); }
t.sort((a, b) => a - b);
console.log(t[Math.floor(n / 2)]);
`;

/** The `variance` bench section. */
export const varianceBench: BenchSection = {
  name: "variance",
  description: "bare session.run medians of LeNet (batch 1, CPU EP) in several fresh processes: the between-process spread",
  async run({ out, quick }) {
    const scratch = await mkdtemp(join(tmpdir(), "bench-variance-"));
    try {
      const model = await lenetPath(out, scratch);
      const script = join(process.cwd(), "bench", ".variance-child.mjs");
      await writeFile(script, CHILD);
      const processes = quick ? 3 : 8;
      const medians: number[] = [];
      try {
        for (let i = 0; i < processes; i++) {
          const { stdout } = await run(process.execPath, [script, model.path, String(quick ? 500 : 3000)]);
          medians.push(Number(stdout.trim()));
          console.log(`  process ${i + 1}: p50 ${medians.at(-1)!.toFixed(4)} ms`);
        }
      } finally {
        await rm(script, { force: true });
      }
      const spread = Math.max(...medians) / Math.min(...medians);
      console.log(`max/min of per-process medians: ${spread.toFixed(2)}`);
      return { model: model.source, batch: 1, medians, medianOfMedians: median(medians), maxOverMin: spread };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
