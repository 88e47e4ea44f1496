/**
 * The report's hardware-efficiency figures: achieved GFLOP/s from the work counted in the
 * row's ONNX file ÷ p50, its share of the cached ceiling, the bound, the roofline plot per
 * EP and the plain-language note; energy columns from a row's energy field.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildReferenceModel } from "./fixtures/reference-models.ts";
import { writeCeilings } from "../formats/run/ceiling-cache.ts";
import { achieved, boundNotes, loadReportData, rooflinePlots } from "../reports/index.ts";
import { efficiencyTable } from "../reports/efficiency-table.ts";
import { roofLines } from "../reports/roofline.ts";
import { CACHED_CPU_CEILINGS, okRow, runResults, writeFixtureRun } from "./report-fixtures.ts";

async function fixture() {
  const rows = [
    okRow("lenet", "fp32", "cpu", 1, 0.2),
    okRow("lenet", "fp32", "cpu", 32, 2, {
      energy: { available: false, unavailable: [{ source: "powercap", reason: "no RAPL here", fix: "modprobe intel_rapl_msr" }] },
    }),
  ];
  const { root, runDir } = await writeFixtureRun(rows);
  const onnxPath = join(root, "models", "lenet", "model.fp32.onnx");
  await mkdir(dirname(onnxPath), { recursive: true });
  await writeOnnx(onnxPath, buildReferenceModel("lenet"));
  await writeCeilings(root, runResults([]).hardware, [CACHED_CPU_CEILINGS]);
  return loadReportData(runDir);
}

test("achieved: FLOPs ÷ p50, share of the FP32 ceiling, memory-bound below the ridge (cache when above the DRAM slope)", async () => {
  const data = await fixture();
  const w = data.work.get("lenet|fp32|cpu|1");
  assert.equal(w?.flops, 7_810_852);
  const a = achieved(w!, 0.2, CACHED_CPU_CEILINGS);
  assert.equal(a.gops, 7_810_852 / 2e5);
  assert.equal(a.unit, "GFLOP/s");
  assert.equal(a.ceilingShare, 7_810_852 / 2e5 / 100);
  // 6.75 FLOP/byte × 10 GB/s = 67.5 GFLOP/s < 100: under the bandwidth roof
  assert.equal(a.bound, "memory");
  assert.equal(a.attainable, 10 * w!.intensity);
  // 78 GFLOP/s at 0.1 ms is above that slope: the working set stayed in the caches
  assert.equal(achieved(w!, 0.1, CACHED_CPU_CEILINGS).bound, "cache");
  // at batch 32 the intensity is 17.9 > the ridge (10): compute-bound
  assert.equal(achieved(data.work.get("lenet|fp32|cpu|32")!, 2, CACHED_CPU_CEILINGS).bound, "compute");
});

test("efficiency table: achieved, % of ceiling, bound and energy (unavailable rows point to a note)", async () => {
  const t = efficiencyTable(await fixture());
  const [b1, b32] = t.rows;
  assert.deepEqual([b1?.achieved, b1?.achievedUnit, b1?.ceilingShare, b1?.bound, b1?.joulesPerImage], [39.05426, "GFLOP/s", 39.05426, "memory", null]);
  assert.equal(b32?.joulesPerImage, "unavailable (E1)");
  assert.deepEqual(
    t.columns.slice(9, 15).map((c) => c.header),
    ["Achieved", "Unit", "Of ceiling", "Bound", "Energy", "Images per joule"],
  );
  assert.ok(t.notes.includes("E1. Energy unavailable: powercap: no RAPL here. Fix: modprobe intel_rapl_msr"), t.notes.join("\n"));
});

test("roofline: one plot per EP with the measured roofs, and a note saying which roof applies", async () => {
  const data = await fixture();
  const plots = await rooflinePlots(data);
  assert.deepEqual(
    plots.map((p) => p.id),
    ["roofline-cpu"],
  );
  assert.match(plots[0]?.svg ?? "", /FP32 100\.0 GFLOP\/s/);
  assert.match(plots[0]?.svg ?? "", /Arithmetic intensity \(FLOP\/byte, 1 MAC = 2 FLOPs\)/);
  assert.deepEqual(roofLines(CACHED_CPU_CEILINGS, 1, 100), [
    { roof: "FP32 100.0 GFLOP/s", intensity: 1, gops: 10 },
    { roof: "FP32 100.0 GFLOP/s", intensity: 10, gops: 100 },
    { roof: "FP32 100.0 GFLOP/s", intensity: 100, gops: 100 },
    { roof: "INT8 400.0 GOP/s", intensity: 1, gops: 10 },
    { roof: "INT8 400.0 GOP/s", intensity: 40, gops: 400 },
    { roof: "INT8 400.0 GOP/s", intensity: 100, gops: 400 },
  ]);
  const [note] = boundNotes(data);
  assert.match(
    note ?? "",
    /^lenet fp32 on cpu: 6\.8 FLOP\/byte at batch 1, 17\.9 at batch 32 \(the ridge, where bandwidth stops limiting FP32, is at 10\.0\)\. Memory-bound at batch 1, compute-bound at batch 32: reading the weights once for more images moved it past the ridge\./,
  );
});
