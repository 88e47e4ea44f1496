/**
 * `npm run bench -- browser`: onnxruntime-web's WASM EP in headless Chromium against
 * onnxruntime-node's CPU EP on LeNet, at batch 1 and 32. Rounds alternate between the
 * two (an in-process onnxruntime-node session, and the page driven by the browser harness), each round
 * measured with the profiler's own protocol (`measureInterleaved`, same settings), and the
 * pooled p50s are compared side by side in this one run (unpaired: two runtimes, two processes).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrowserSession, buildFeeds, interleaveSettings } from "../profile/index.ts";
import { DEFAULT_MEASURE } from "../formats/options/profile-options.ts";
import { functionTimer, measureInterleaved } from "../measure/index.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import { lenetPath, median } from "./bench-lenet.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";

async function run(options: BenchOptions): Promise<Record<string, unknown>> {
  const scratch = await mkdtemp(join(tmpdir(), "bench-browser-"));
  const rounds = options.quick ? 3 : 7;
  const settings = { ...DEFAULT_MEASURE, warmupTimeMs: 50, warmupIterations: 10, minTimeMs: options.quick ? 100 : 400, minIterations: 30, rowBudgetMs: 60_000 };
  const rows: Record<string, unknown>[] = [];
  try {
    const model = await lenetPath(options.out, scratch);
    const node = await openOrtSession(model.path, ortSessionOptions({ executionProviders: ["cpu"] }));
    const browser = await BrowserSession.open({ kind: "wasm", modelPath: model.path });
    try {
      await browser.createSession();
      const inputName = node.inputNames[0] ?? "input";
      for (const batch of [1, 32]) {
        const spec = { batch, inputs: [{ name: inputName, shape: [batch, 1, 28, 28], elemType: 1 }] };
        const feeds = buildFeeds(spec);
        await browser.loadFeeds(spec);
        await browser.timedRun(batch);
        const nodeSamples: number[] = [];
        const webSamples: number[] = [];
        for (let r = 0; r < rounds; r++) {
          nodeSamples.push(...(await measureInterleaved([functionTimer("node", () => node.run(feeds))], interleaveSettings(settings, 1, r))).samples[0]!);
          webSamples.push(
            ...(await measureInterleaved([{ name: "web", runBlock: (n) => browser.block(batch, 0, n) }], interleaveSettings(settings, 1, r))).samples[0]!,
          );
        }
        const nodeP50 = median(nodeSamples);
        const webP50 = median(webSamples);
        rows.push({
          batch,
          nodeCpuP50Ms: nodeP50,
          browserWasmP50Ms: webP50,
          ratio: webP50 / nodeP50,
          samples: { nodeCpu: nodeSamples.length, browserWasm: webSamples.length },
        });
        console.log(
          `batch ${String(batch).padStart(2)}: node cpu p50 ${nodeP50.toFixed(4)} ms, browser wasm p50 ${webP50.toFixed(4)} ms, wasm/cpu ${(webP50 / nodeP50).toFixed(2)}`,
        );
      }
      return { model: model.source, rounds, browser: `Chromium ${browser.browserVersion}`, wasm: browser.facts, rows };
    } finally {
      await browser.close();
      await node.release();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The `browser` bench section. */
export const browserBench: BenchSection = {
  name: "browser",
  description: "onnxruntime-web wasm in headless Chromium vs onnxruntime-node cpu: LeNet p50 at batch 1 and 32, interleaved rounds",
  run,
};
