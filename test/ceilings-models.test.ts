/**
 * Ceilings (profile/ceilings/): the theoretical peak derived from CPU facts, the ceiling
 * models computing what they claim in ONNX Runtime, the work counter agreeing with their
 * stated work, and the per-machine cache recomputed when the hardware or ORT changes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx } from "../formats/onnx/onnx-io.ts";
import { cpuEp } from "../profile/eps/cpu-ep.ts";
import type { EpRunner } from "../profile/ep-runner.ts";
import {
  bandwidthModel,
  ceilingModels,
  ensureCeilings,
  cpuinfoClockGHz,
  figureAt,
  fp32Conv,
  fp32MatMul,
  int8MatMulInteger,
  int8QLinearMatMul,
  simdBits,
  theoreticalPeak,
} from "../profile/ceilings/index.ts";
import { readCeilings, writeCeilings } from "../formats/run/ceiling-cache.ts";
import { CACHED_CPU_CEILINGS } from "./report-fixtures.ts";
import type { Hardware } from "../formats/run/results-schema.ts";
import { modelWork } from "../profile/work/index.ts";

function hardware(cpu: Partial<Hardware["cpu"]>, ort = "1.30.0"): Hardware {
  return {
    hostname: "lab-1",
    cpu: { model: "Test CPU", cores: 2, threads: 4, flags: [], speedGHz: 2.6, ...cpu },
    memoryGiB: 16,
    gpus: [],
    os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1", arch: "x64" },
    versions: { node: "20", onnxruntimeNode: ort },
  };
}

test("theoretical peak: cores × clock × SIMD lanes × 2 (FMA), INT8 with and without VNNI", () => {
  const zen = theoreticalPeak(hardware({ flags: ["avx2", "fma", "avx512f", "avx512_vnni"] }));
  assert.equal(zen.fp32Gflops, 2 * 2.6 * 16 * 2);
  assert.equal(zen.int8Gops, 2 * 2.6 * 16 * 4 * 2);
  assert.equal(zen.fp32Formula, "2 cores × 2.60 GHz (nominal) × 16 fp32 lanes (512-bit) × 2 (FMA)");
  const avx2 = theoreticalPeak(hardware({ cores: 4, speedGHz: 3, flags: ["avx", "avx2", "fma"] }));
  assert.equal(avx2.fp32Gflops, 4 * 3 * 8 * 2);
  assert.equal(avx2.int8Gops, 4 * 3 * 16 * 2 * 2);
  assert.equal(avx2.int8Formula, "4 cores × 3.00 GHz (nominal) × 16 lanes × 2 int8 MACs (no VNNI: pmaddubsw pairs) × 2 ops");
  assert.equal(simdBits(["sse4_2"]), 128);
});

test("theoretical peak: the clock comes from /proc/cpuinfo when the inventory has none, else it is not derived", () => {
  assert.equal(cpuinfoClockGHz("processor\t: 0\ncpu MHz\t\t: 2596.134\nprocessor\t: 1\ncpu MHz\t\t: 2400.000\n"), 2.596134);
  const vm = theoreticalPeak(hardware({ speedGHz: null, flags: ["avx512f", "avx512_vnni", "fma"] }), { ghz: 2.596134, source: "/proc/cpuinfo cpu MHz" });
  assert.equal(vm.fp32Gflops, 2 * 2.596134 * 16 * 2);
  assert.equal(vm.fp32Formula, "2 cores × 2.60 GHz (/proc/cpuinfo cpu MHz) × 16 fp32 lanes (512-bit) × 2 (FMA)");
  const none = theoreticalPeak(hardware({ speedGHz: null, flags: ["avx2"] }));
  assert.deepEqual([none.fp32Gflops, none.int8Gops, none.fp32Formula], [null, null, "not derivable: no clock speed in the CPU facts"]);
});

test("ceiling models compute what they claim in ONNX Runtime, and their stated work matches the work counter", async () => {
  const n = 16;
  const fp32 = fp32MatMul(n);
  assert.equal(fp32.ops, 2 * n ** 3);
  assert.equal(modelWork(fp32.model, { a: [n, n] }, 1).macs, n ** 3);
  assert.equal(modelWork(int8QLinearMatMul(n).model, { a: [n, n] }, 1).intMacs, n ** 3);
  assert.equal(modelWork(int8MatMulInteger(n).model, { a: [n, n] }, 1).intMacs, n ** 3);
  const bw = bandwidthModel(1024);
  assert.equal(bw.bytes, 3 * 1024 * 4);
  const conv = fp32Conv(8, 6);
  assert.equal(conv.ops, 2 * 8 * 8 * 9 * 6 * 6);
  assert.equal(modelWork(conv.model, { x: [1, 8, 6, 6] }, 1).macs, 8 * 8 * 9 * 6 * 6);
  for (const m of [fp32, conv, int8QLinearMatMul(n), int8MatMulInteger(n), bw]) {
    const session = await ort.InferenceSession.create(encodeOnnx(m.model), { logSeverityLevel: 3 });
    try {
      const size = m.input.shape.reduce((a, b) => a * b, 1);
      const data = m.input.elemType === 1 ? new Float32Array(size).fill(1) : new Uint8Array(size).fill(129);
      const out = await session.run({ [m.input.name]: new ort.Tensor(m.input.elemType === 1 ? "float32" : "uint8", data, [...m.input.shape]) });
      const y = out[session.outputNames[0] ?? ""];
      if (m.kind === "bandwidth") assert.equal(Number((y?.data as Float32Array)[0]).toFixed(1), (1024 * 1.0001).toFixed(1));
      else assert.deepEqual(y?.dims, m.kind === "fp32-conv" ? [1, 8, 6, 6] : [n, n], m.kind);
    } finally {
      await session.release();
    }
  }
  assert.deepEqual(
    ceilingModels("webgpu").map((m) => m.kind),
    ["fp32-matmul", "bandwidth"],
  );
  assert.deepEqual(
    ceilingModels("cpu").map((m) => m.kind),
    ["fp32-matmul", "fp32-conv", "int8-qlinearmatmul", "int8-matmulinteger", "bandwidth"],
  );
});

test("figures: ops ÷ p50 in 10⁹/s, bytes ÷ p50 in GB/s", () => {
  assert.deepEqual(figureAt(fp32MatMul(1000), 20), { unit: "GFLOP/s", value: 100 });
  assert.deepEqual(figureAt(fp32Conv(100, 10), 0.9), { unit: "GFLOP/s", value: 20 });
  assert.deepEqual(figureAt(int8QLinearMatMul(1000), 4), { unit: "GOP/s", value: 500 });
  assert.deepEqual(figureAt(bandwidthModel(2_500_000), 3), { unit: "GB/s", value: 10 });
});

test("cache: written per machine + ORT version, read back, and empty for other hardware or another ORT", async () => {
  const out = await mkdtemp(join(tmpdir(), "ceilings-cache-"));
  try {
    const hw = hardware({ flags: ["avx2"] });
    const entry = CACHED_CPU_CEILINGS;
    const path = await writeCeilings(out, hw, [entry]);
    assert.match(path, /\/ceilings\/lab-1-[0-9a-f]{12}\.json$/);
    assert.deepEqual(await readCeilings(out, hw), [entry]);
    await writeCeilings(out, hw, [{ ...entry, ep: "webgpu", int8Gops: null }]);
    assert.deepEqual(
      (await readCeilings(out, hw)).map((e) => e.ep),
      ["cpu", "webgpu"],
    );
    assert.deepEqual(await readCeilings(out, hardware({ flags: ["avx2"] }, "1.31.0")), []);
    assert.deepEqual(await readCeilings(out, hardware({ flags: ["avx2"], threads: 8 })), []);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test("ensureCeilings: cached EPs are not measured again; EPs outside the automatic list are left to the bench", async () => {
  const out = await mkdtemp(join(tmpdir(), "ceilings-ensure-"));
  try {
    const hw = hardware({ flags: ["avx2"] });
    const entry = CACHED_CPU_CEILINGS;
    await writeCeilings(out, hw, [entry]);
    const webgpu: EpRunner = { ...cpuEp, name: "browser-wasm" };
    const lines: string[] = [];
    assert.deepEqual(await ensureCeilings(out, hw, [cpuEp, webgpu], (l) => lines.push(l)), [entry]);
    assert.deepEqual(lines, []);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
