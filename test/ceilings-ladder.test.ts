/**
 * Device-resident ceilings (profile/ceilings/device-models.ts, ceiling-ladder.ts): the models
 * make their data on the device and compute what they claim in ONNX Runtime with the work they
 * state; the ladder climbs until the rate stops rising, a run is too long or the budget is
 * spent, on a fake clock; the timing helper warms up before it times.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx } from "../formats/onnx/onnx-io.ts";
import {
  CHAIN,
  bandwidthChain,
  fp16MatMulChain,
  fp32ConvChain,
  fp32MatMulChain,
  int8MatMulIntegerFan,
  int8QLinearMatMulChain,
  linkDeviceToHost,
  linkHostToDevice,
  ladderModel,
} from "../profile/ceilings/device-models.ts";
import { bestStep, ceilingKindsFor, flatFor, ladderPlan, nextRung, type LadderPlan, type LadderStep } from "../profile/ceilings/ceiling-ladder.ts";
import { timeRuns } from "../profile/ceilings/ceiling-child.ts";
import { figureAt } from "../profile/ceilings/ceiling-models.ts";
import { modelWork } from "../profile/work/index.ts";

async function runOnce(m: ReturnType<typeof fp32MatMulChain>, seed: number): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(encodeOnnx(m.model), { logSeverityLevel: 3 });
  try {
    const data = m.input.elemType === 2 ? new Uint8Array([seed]) : new Float32Array(m.input.shape[0] === 1 ? [seed] : Array(m.input.shape[0]).fill(seed));
    const out = await session.run({ [m.input.name]: new ort.Tensor(m.input.elemType === 2 ? "uint8" : "float32", data, [...m.input.shape]) });
    return out[session.outputNames[0]!]!;
  } finally {
    await session.release();
  }
}

test("device models: a [1] input, the chain's work as stated (8 × 2n³), and a scalar out", async () => {
  const n = 16;
  const mm = fp32MatMulChain(n);
  assert.deepEqual(mm.input, { name: "seed", shape: [1], elemType: 1 });
  assert.equal(mm.ops, CHAIN * 2 * n ** 3);
  assert.equal(modelWork(mm.model, { seed: [1] }, 1).macs, CHAIN * n ** 3);
  assert.equal(fp32ConvChain(4, 6).ops, CHAIN * 2 * 4 * 4 * 9 * 6 * 6);
  assert.equal(bandwidthChain(1024).bytes, 4 * 1024 * (2 + 2 * CHAIN));
  assert.equal(linkHostToDevice(1024).bytes, 4096);
  // each model runs in ORT and answers with one value (the link-d2h model with the whole tensor)
  for (const m of [mm, fp32ConvChain(4, 6), int8QLinearMatMulChain(n), int8MatMulIntegerFan(n), bandwidthChain(1024), linkHostToDevice(1024)]) {
    const y = await runOnce(m, m.input.elemType === 2 ? 3 : 0.5);
    assert.deepEqual(y.dims, [], m.kind);
  }
  const d2h = await runOnce(linkDeviceToHost(1024), 0.25);
  assert.deepEqual([d2h.dims, (d2h.data as Float32Array)[1023]], [[1024], 0.25]);
  // the bandwidth chain: x → x·0.5 → +0.25 → … 8 times, summed: its value is known
  let x = 1;
  for (let i = 0; i < CHAIN; i++) x = i % 2 === 0 ? x * 0.5 : x + 0.25;
  assert.equal(Number((await runOnce(bandwidthChain(1024), 1)).data[0]).toFixed(3), (1024 * x).toFixed(3));
});

test("device models: float16 chain on the CPU EP answers in float32; figures in GFLOP/s, GOP/s and GB/s", async () => {
  const y = await runOnce(fp16MatMulChain(8), 0.5);
  assert.deepEqual([y.type, y.dims], ["float32", []]);
  assert.deepEqual(figureAt(fp32MatMulChain(1000), 160), { unit: "GFLOP/s", value: 100 });
  assert.deepEqual(figureAt(fp16MatMulChain(1000), 16), { unit: "GFLOP/s", value: 1000 });
  assert.deepEqual(figureAt(int8MatMulIntegerFan(1000), 16), { unit: "GOP/s", value: 1000 });
  assert.deepEqual(figureAt(linkHostToDevice(2_500_000), 1), { unit: "GB/s", value: 10 });
  assert.equal(ladderModel("fp32-matmul", 0).size, 128);
  assert.equal(ladderModel("bandwidth", 4).size, 2 ** 24);
});

const PLAN: LadderPlan = { kind: "fp32-matmul", first: 2, last: 8, maxRunMs: 500, measureMs: 300, budgetMs: 20_000 };
const step = (rung: number, value: number, p50Ms = 10): LadderStep => ({ rung, size: rung, value, p50Ms, runs: 5 });

test("ladder: climbs from the first rung while the rate rises by more than 5%, stops after two flat rungs and keeps the best", () => {
  assert.deepEqual(nextRung(PLAN, [], 0), { rung: 2 });
  const rising = [step(2, 100), step(3, 200), step(4, 300)];
  assert.deepEqual(nextRung(PLAN, rising, 1000), { rung: 5 });
  const flat = [...rising, step(5, 310), step(6, 290)];
  assert.equal(flatFor(flat), 2);
  assert.deepEqual(nextRung(PLAN, flat, 1000), { stop: "flat" });
  assert.deepEqual(bestStep(flat), step(5, 310));
  // one flat rung then a rise starts the count again
  assert.equal(flatFor([step(2, 100), step(3, 101), step(4, 150)]), 0);
});

test("ladder: a run longer than maxRunMs, the top rung and the time budget each stop the climb", () => {
  assert.deepEqual(nextRung(PLAN, [step(2, 100, 600)], 0), { stop: "run-too-long" });
  assert.deepEqual(nextRung(PLAN, [step(7, 100), step(8, 200)], 0), { stop: "top-rung" });
  assert.deepEqual(nextRung(PLAN, [step(2, 100)], 20_000), { stop: "budget" });
});

test("ladder: sizing on a fake machine whose rate rises with the side up to a knee (1,250) and stays flat after (a fake clock, the real planner)", async () => {
  // rate in GFLOP/s by MatMul side: launch-bound below the knee, flat after
  const rate = (n: number) => Math.min(50_000, n * 40);
  let clock = 0;
  const steps: LadderStep[] = [];
  const plan = ladderPlan("fp32-matmul", "cuda", false);
  for (;;) {
    const next = nextRung(plan, steps, clock);
    if ("stop" in next) {
      assert.equal(next.stop, "flat");
      break;
    }
    const m = ladderModel("fp32-matmul", next.rung);
    const ms = m.ops / (rate(m.size!) * 1e6);
    const times = await timeRuns(
      async () => {
        clock += ms;
      },
      plan.measureMs,
      plan.maxRunMs,
      () => clock,
    );
    steps.push({ rung: next.rung, size: m.size!, value: figureAt(m, times[0]!).value, p50Ms: times[0]!, runs: times.length });
  }
  assert.deepEqual(
    steps.map((s) => s.size),
    [512, 768, 1024, 1536, 2048, 3072],
  );
  assert.deepEqual([bestStep(steps)!.size, Math.round(bestStep(steps)!.value)], [1536, 50_000]);
});

test("timeRuns: a cold run and two warm-ups untimed, then at least 3 runs and the measuring time; one run when a warm run is too long", async () => {
  let clock = 0;
  let calls = 0;
  const times = await timeRuns(
    async () => {
      calls++;
      clock += 40;
    },
    100,
    500,
    () => clock,
  );
  assert.deepEqual([calls, times], [3 + 3, [40, 40, 40]]);
  calls = 0;
  const slow = await timeRuns(
    async () => {
      calls++;
      clock += 900;
    },
    100,
    500,
    () => clock,
  );
  assert.deepEqual([calls, slow], [3, [900]]);
});

test("ladder plans: the kinds per EP, and CPU bandwidth starting at 64 MiB (past the caches), GPUs at 16 MiB", () => {
  assert.deepEqual(ceilingKindsFor("cuda"), ["fp32-matmul", "fp16-matmul", "fp32-conv", "bandwidth", "link-h2d", "link-d2h"]);
  assert.deepEqual(ceilingKindsFor("cpu"), ["fp32-matmul", "fp32-conv", "int8-qlinearmatmul", "int8-matmulinteger", "bandwidth"]);
  assert.deepEqual(ceilingKindsFor("webgpu"), ["fp32-matmul", "fp16-matmul", "bandwidth", "link-h2d", "link-d2h"]);
  assert.equal(ladderModel("bandwidth", ladderPlan("bandwidth", "cpu", false).first).size! * 4, 64 * 2 ** 20);
  assert.equal(ladderModel("bandwidth", ladderPlan("bandwidth", "cuda", false).first).size! * 4, 16 * 2 ** 20);
  assert.equal(ladderModel("fp32-matmul", ladderPlan("fp32-matmul", "cpu", false).first).size, 256);
  assert.deepEqual(ladderPlan("fp32-matmul", "cpu", true), { kind: "fp32-matmul", first: 0, last: 2, maxRunMs: 100, measureMs: 100, budgetMs: 3000 });
  // a software adapter (SwiftShader) starts at the smallest rungs, as a quick CPU would
  assert.deepEqual(ladderPlan("fp32-matmul", "webgpu", false, true), { kind: "fp32-matmul", first: 0, last: 2, maxRunMs: 200, measureMs: 100, budgetMs: 3000 });
});
