import { test } from "node:test";
import assert from "node:assert/strict";
import { countParams, concreteShape } from "../profile/model-facts.ts";
import { interleaveSettings } from "../profile/measure-latency.ts";
import { parseOrtTrace } from "../profile/op-profile.ts";
import { DEFAULT_MEASURE, parsePrecisionList, parseProfileConfig, parseShapes } from "../formats/options/profile-options.ts";
import { medianCi95, percentile, summarizeLatency } from "../measure/statistics.ts";
import { buildLenet, LENET_PARAMS } from "./fixtures/tiny-models.ts";
import { adapterFactsFromIcd } from "../profile/eps/webgpu-ep.ts";
import { rowsToCsv } from "../profile/results-csv.ts";

test("percentiles interpolate linearly; the median CI brackets the median", () => {
  const xs = Array.from({ length: 101 }, (_, i) => i);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 90), 90);
  assert.equal(percentile([1, 2], 50), 1.5);
  assert.deepEqual(medianCi95(xs), [40, 60]);
  const s = summarizeLatency([3, 1, 2]);
  assert.deepEqual([s.samples, s.min, s.p50, s.max, s.mean, s.sd, s.cv, s.robustCv], [3, 1, 2, 3, 2, 1, 0.5, 0.7413]);
  const spiky = summarizeLatency([...Array.from({ length: 999 }, (_, i) => 0.02 + (i % 3) * 0.001), 6]);
  assert.ok(spiky.cv > 5, `sd/mean ${spiky.cv}`);
  assert.ok(spiky.robustCv! < 0.1, `robust ${spiky.robustCv}`);
});

test("a paired child's settings: each variant gets the measuring time, the child stays in the variants' row budgets", () => {
  const s = { ...DEFAULT_MEASURE, rowBudgetMs: 6000 };
  assert.deepEqual(interleaveSettings(s, 2, 7, 30), {
    warmupTimeMs: 250,
    warmupIterations: 10,
    measureMs: 2000,
    maxMs: 12_000,
    blockMs: 20,
    minCycles: 4,
    minRuns: 30,
    seed: 7,
    firstRunMs: 30,
  });
  // A row budget below the measuring time: 80% of it is measured.
  assert.equal(interleaveSettings({ ...s, rowBudgetMs: 500 }, 3, 1).measureMs, 1200);
});

test("parameter count of the hand-built LeNet", () => {
  assert.equal(countParams(buildLenet().graph!), LENET_PARAMS);
});

test("dynamic dims: batch on axis 0, 3 on axis 1 of 4-D inputs, 224 elsewhere; --shape overrides", () => {
  const input = { name: "x", dims: ["N", null, "H", "W"], elemType: 1 };
  assert.deepEqual(concreteShape(input, 8, {}), { shape: [8, 3, 224, 224] });
  assert.deepEqual(concreteShape(input, 8, { x: [1, 1, 28, 28] }), { shape: [8, 1, 28, 28] });
  assert.deepEqual(concreteShape({ name: "y", dims: [1, 10], elemType: 1 }, 1, {}), { shape: [1, 10] });
  assert.throws(() => concreteShape(input, 1, { x: [1, 28, 28] }), { message: "--shape x=1x28x28 has 3 dims; the model's input has 4" });
});

test("--shape and --precision parse or name the bad value", () => {
  assert.deepEqual(parseShapes(["data=1x3x224x224", "gpu_0/data_0=2x3"]), { data: [1, 3, 224, 224], "gpu_0/data_0": [2, 3] });
  assert.throws(() => parseShapes(["data=1x0"]), { message: 'Invalid shape "data=1x0": expected name=dims with positive dims, like data=1x3x224x224' });
  assert.throws(() => parsePrecisionList("fp32,int4"), { message: 'Unknown precision "int4". Expected one of: fp32, int8, int8-all, int8-dynamic, fp16' });
});

test("config errors name the file and the bad key", () => {
  assert.throws(() => parseProfileConfig({ batches: [1, 0] }, "p.json"), {
    message: 'Invalid config "p.json": batches.1: Too small: expected number to be >0',
  });
  assert.throws(() => parseProfileConfig({ epss: ["cpu"] }, "p.json"), { message: 'Invalid config "p.json": (root): Unrecognized key: "epss": epss' });
  assert.deepEqual(parseProfileConfig({ eps: ["cpu"], measure: { rowBudgetMs: 100 } }, "p.json"), { eps: ["cpu"], measure: { rowBudgetMs: 100 } });
});

test("ORT traces: first run left out, time per op type × EP, arena in MiB", () => {
  const ev = (name: string, ts: number, dur: number, op: string, provider: string, extra: Record<string, string> = {}) => ({
    cat: "Node",
    name: `${name}_kernel_time`,
    ts,
    dur,
    args: { op_name: op, provider, ...extra },
  });
  const profile = parseOrtTrace([
    { cat: "Session", name: "model_run", ts: 0, dur: 100 },
    ev("conv", 10, 90, "Conv", "CPUExecutionProvider"),
    { cat: "Session", name: "model_run", ts: 200, dur: 10 },
    ev("conv", 201, 6, "Conv", "CPUExecutionProvider", { mem_arena_held: String(2 * 1024 * 1024), mem_in_use_peak: String(1024 * 1024) }),
    ev("gemm", 207, 2, "Gemm", "WebGpuExecutionProvider"),
    { cat: "Session", name: "model_run", ts: 300, dur: 10 },
    ev("conv", 301, 6, "Conv", "CPUExecutionProvider"),
    ev("gemm", 307, 2, "Gemm", "WebGpuExecutionProvider"),
  ]);
  assert.equal(profile.runs, 2);
  assert.deepEqual(profile.ops, [
    { opType: "Conv", provider: "cpu", ms: 0.006, share: 0.75, nodes: 1 },
    { opType: "Gemm", provider: "webgpu", ms: 0.002, share: 0.25, nodes: 1 },
  ]);
  assert.deepEqual(profile.arena, { heldMiB: 2, inUsePeakMiB: 1 });
});

test("WebGPU adapter facts are inferred from the Vulkan ICD", () => {
  assert.equal(adapterFactsFromIcd(undefined).softwareFallback, "unknown");
  const facts = adapterFactsFromIcd("/nonexistent/vk_swiftshader_icd.json");
  assert.deepEqual([facts.vendor, facts.architecture, facts.softwareFallback], ["Google", "swiftshader (CPU)", "yes"]);
  // NVIDIA's ICD names its GL vendor library: the adapter's vendor where onnxruntime-node gives none
  const nvidia = adapterFactsFromIcd("/nonexistent/libGLX_nvidia.so.0");
  assert.deepEqual([nvidia.vendor, nvidia.softwareFallback], ["NVIDIA", "no"]);
});

test("CSV: header and one line per row, reasons quoted", () => {
  const csv = rowsToCsv([
    {
      key: "m|fp32|cuda|1",
      model: "m",
      precision: "fp32",
      ep: "cuda",
      batch: 1,
      onnxPath: "/m.onnx",
      finishedAt: "t",
      state: "skipped",
      reason: "no GPU, sorry.",
      fix: "buy one",
    },
  ]);
  const [header, line] = csv.trim().split("\n");
  assert.match(header!, /^model,precision,ep,batch,state,p50_ms,/);
  assert.match(line!, /^m,fp32,cuda,1,skipped,.*,"no GPU, sorry\. Fix: buy one",,,$/);
});
