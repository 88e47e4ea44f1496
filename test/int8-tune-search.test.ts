/**
 * The INT8 tuner's search on a fake timer (a virtual clock whose machine speed drifts): the
 * fastest candidate within the accuracy budget wins, one over budget loses even when it is
 * faster, none within budget keeps the most accurate, unknown accuracy picks on speed; and
 * the candidate node sets of the reference LeNet and basic CNN.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BlockTimer } from "../measure/index.ts";
import { buildReferenceModel } from "./fixtures/reference-models.ts";
import { tuningWhy } from "../reports/tuning-why.ts";
import {
  attributeKernel,
  FP32_VARIANT,
  int8Candidates,
  interleavedSpeedups,
  kernelAliases,
  nodeTimes,
  searchInt8,
  slowerInInt8,
  tuneInterleaveSettings,
  type Int8Candidate,
} from "../export/tune/index.ts";

/** A fake variant: each run takes `ms` × the machine's slowness at the virtual time (it doubles every 500 ms of virtual time, then recovers). */
function fakeTimer(name: string, ms: number, clock: { t: number }): BlockTimer {
  return {
    name,
    async runBlock(runs) {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = ms * (Math.floor(clock.t / 500) % 2 === 0 ? 1 : 2);
        clock.t += t;
        out.push(t);
      }
      return out;
    },
  };
}

const candidate = (name: string): Int8Candidate => ({
  name,
  description: `${name} set`,
  floatNodes: new Map(name === "all" ? [] : [[`${name}_node`, "test"]]),
});

/** The search over candidates with per-run times `ms` (fp32 at 10 ms) and validation accuracies `acc`. */
async function search(ms: Record<string, number>, acc: Record<string, number | null>, fp32Accuracy: number | null, budget = 0.3) {
  const clock = { t: 0 };
  return searchInt8({
    candidates: Object.keys(ms).map(candidate),
    fp32Accuracy,
    accuracyBudgetPoints: budget,
    accuracyOf: async (c) => acc[c.name] ?? null,
    speedupsOf: async (cs) =>
      (
        await interleavedSpeedups(
          fakeTimer(FP32_VARIANT, 10, clock),
          cs.map((c) => fakeTimer(c.name, ms[c.name]!, clock)),
          { ...tuneInterleaveSettings(2000), now: () => clock.t },
        )
      ).speedups,
  });
}

describe("INT8 tuner search", () => {
  it("keeps the fastest candidate within the budget; a faster one over budget loses", async () => {
    const r = await search({ all: 8, fast: 5, fastest: 4 }, { all: 0.99, fast: 0.988, fastest: 0.985 }, 0.99);
    assert.equal(r.chosen, "fast");
    assert.deepEqual(
      r.candidates.map((c) => [c.name, c.speedup, c.withinBudget]),
      [
        ["all", 1.25, true],
        ["fast", 2, true],
        ["fastest", 2.5, false],
      ],
    );
    assert.deepEqual(
      r.candidates.map((c) => c.ci95),
      [
        [1.25, 1.25],
        [2, 2],
        [2.5, 2.5],
      ],
    );
    assert.equal(r.why, "fastest within 0.3 accuracy points of FP32: 2.00x over FP32; faster but over budget: fastest (0.50 points below FP32)");
    assert.deepEqual(r.candidates[1]?.floatNodes, ["fast_node"]);
    assert.equal(r.candidates[1]?.accuracyDropPoints?.toFixed(6), "0.200000");
  });

  it("a wider budget lets the fastest win", async () => {
    const r = await search({ all: 8, fast: 5, fastest: 4 }, { all: 0.99, fast: 0.988, fastest: 0.985 }, 0.99, 0.5);
    assert.equal(r.chosen, "fastest");
  });

  it("with none within the budget keeps the most accurate", async () => {
    const r = await search({ all: 8, fast: 5 }, { all: 0.98, fast: 0.97 }, 0.99);
    assert.equal(r.chosen, "all");
    assert.equal(r.why, "no candidate within 0.3 accuracy points of FP32; the most accurate (1.00 points below) is kept");
  });

  it("with unknown accuracy (generated inputs) chooses on speed and says so", async () => {
    const r = await search({ all: 8, fast: 5 }, { all: null, fast: null }, null);
    assert.equal(r.chosen, "fast");
    assert.equal(r.why, "fastest within 0.3 accuracy points of FP32: 2.00x over FP32; accuracy unknown (generated inputs): chosen on speed alone");
  });

  it("refuses an empty candidate list, and a baseline timer not named fp32", async () => {
    await assert.rejects(
      searchInt8({ candidates: [], fp32Accuracy: 1, accuracyBudgetPoints: 0.3, accuracyOf: async () => 1, speedupsOf: async () => new Map() }),
      {
        message: "searchInt8 needs at least one candidate",
      },
    );
    const clock = { t: 0 };
    await assert.rejects(interleavedSpeedups(fakeTimer("int8", 1, clock), [], tuneInterleaveSettings(10)), {
      message: 'The baseline timer must be named "fp32", got "int8"',
    });
  });
});

describe("INT8 tuner candidates", () => {
  it("LeNet: every node, image-input Conv float, last layer float, both, each weighted op type float (duplicates merged)", () => {
    const got = int8Candidates(buildReferenceModel("lenet")).map((c) => [c.name, [...c.floatNodes.keys()]]);
    assert.deepEqual(got, [
      ["all", []],
      ["image-convs-float", ["conv_1"]],
      ["last-float", ["gemm_12"]],
      ["first-last-float", ["conv_1", "gemm_12"]],
      ["conv-float", ["conv_1", "conv_4"]],
      ["gemm-float", ["gemm_8", "gemm_10", "gemm_12"]],
    ]);
    assert.equal(
      int8Candidates(buildReferenceModel("lenet"))[1]?.floatNodes.get("conv_1"),
      'kept float by the tuned recipe "image-convs-float": Conv with fewer than 4 input channels',
    );
  });

  it("basic CNN: the MatMul head gives a matmul-float candidate; max caps the list", () => {
    assert.deepEqual(
      int8Candidates(buildReferenceModel("basic-cnn")).map((c) => c.name),
      ["all", "image-convs-float", "last-float", "first-last-float", "conv-float", "matmul-float"],
    );
    assert.deepEqual(
      int8Candidates(buildReferenceModel("basic-cnn"), 2).map((c) => c.name),
      ["all", "image-convs-float"],
    );
  });
});

describe("INT8 tuner in the report", () => {
  it("the why column names the chosen candidate, its speedup and float nodes, then the others", () => {
    const c = (name: string, speedup: number | null, floatNodes: string[], withinBudget = true) => ({
      name,
      description: "",
      floatNodes,
      accuracy: 0.99,
      accuracyDropPoints: 0,
      withinBudget,
      speedup,
      ci95: null,
      verdict: null,
    });
    const why = tuningWhy({
      ep: "cpu",
      batch: 32,
      intraOpThreads: 0,
      accuracyBudgetPoints: 0.3,
      validation: { split: "train", images: 2000 },
      fp32Accuracy: 0.99,
      measureMs: 3000,
      cycles: 12,
      chosen: "image-convs-float",
      why: "",
      seconds: 4,
      opProfile: null,
      candidates: [
        c("all", 1.22, []),
        c("image-convs-float", 2.1, ["conv_1"]),
        c("last-float", 2.5, ["gemm_12"], false),
        c("conv-float", null, ["conv_1", "conv_4"]),
      ],
    });
    assert.equal(
      why,
      "tuned on cpu at batch 32 (ORT's default threads): chose image-convs-float (2.10x, float: conv_1) over all (1.22x), last-float (2.50x, over accuracy budget), conv-float (?)",
    );
    // a record naming its machine says which; a chosen INT8 slower than FP32 says so
    const machine = {
      id: "0123456789ab",
      cpuModel: "Intel Xeon",
      logicalCpus: 16,
      physicalCores: 16,
      flags: ["amx_int8"],
      ortVersion: "1.30.0",
      ep: "cpu",
      threads: 16,
    };
    const slow = { ...c("all", 0.51, []), verdict: "slower" as const };
    assert.equal(
      tuningWhy({
        ep: "cpu",
        batch: 32,
        intraOpThreads: 0,
        accuracyBudgetPoints: 0.3,
        validation: { split: "train", images: 2000 },
        fp32Accuracy: 0.99,
        measureMs: 3000,
        cycles: 12,
        chosen: "all",
        why: "",
        seconds: 4,
        opProfile: null,
        candidates: [slow],
        machine,
      }),
      "tuned for Intel Xeon, 16 CPUs (16 cores), amx_int8, ORT 1.30.0, cpu at 16 threads [0123456789ab] at batch 32: chose all (0.51x); slower than FP32 there: INT8 does not pay for this model on that machine",
    );
  });
});

describe("INT8 tuner when INT8 does not pay", () => {
  it("keeps the least slow candidate and says that none beats FP32", async () => {
    const r = await search({ all: 20, fast: 12 }, { all: 0.99, fast: 0.99 }, 0.99);
    assert.equal(r.chosen, "fast");
    assert.equal(r.why, "fastest within 0.3 accuracy points of FP32: 0.83x over FP32; no candidate is faster than FP32: INT8 does not pay for this model here");
  });
});

describe("INT8 tuner per-op profile hint", () => {
  it("attributes ORT's kernel names to weighted nodes (fused activations, NCHWc and token suffixes) and finds those slower in int8", () => {
    const aliases = kernelAliases(buildReferenceModel("lenet"));
    assert.equal(aliases.get("conv_1"), "conv_1");
    const fp32 = nodeTimes(
      new Map([
        ["t2:0_nchwc", [100, 140, 120]],
        ["fused gemm_8", [30]],
        ["gemm_12", [5]],
        ["softmax_13", [1]],
      ]),
      new Map([
        ["t2", "conv_1"],
        ["gemm_8", "gemm_8"],
        ["gemm_12", "gemm_12"],
      ]),
    );
    assert.deepEqual(
      [...fp32],
      [
        ["conv_1", 120],
        ["gemm_8", 30],
        ["gemm_12", 5],
      ],
    );
    const int8 = new Map([
      ["conv_1", 400],
      ["gemm_8", 10],
      ["gemm_12", 6],
    ]);
    assert.deepEqual(slowerInInt8(fp32, int8, ["conv_1", "conv_4", "gemm_8", "gemm_12"]), ["conv_1", "gemm_12"]);
    assert.equal(
      attributeKernel(
        "conv_1_token_3",
        new Map([
          ["conv_1", "conv_1"],
          ["conv_1_x", "other"],
        ]),
      ),
      "conv_1",
    );
    assert.equal(attributeKernel("Transpose_token_10", new Map([["conv_1", "conv_1"]])), undefined);
  });

  it("adds the profile's set as the second candidate, merged when it equals another", () => {
    assert.deepEqual(
      int8Candidates(buildReferenceModel("lenet"), 8, ["conv_1", "gemm_12"])
        .map((c) => c.name)
        .slice(0, 3),
      ["all", "profile-slow-float", "image-convs-float"],
    );
    assert.deepEqual(int8Candidates(buildReferenceModel("lenet"), 8, []).map((c) => c.name)[1], "image-convs-float");
  });
});
