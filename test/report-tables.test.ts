import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadReportData } from "../reports/index.ts";
import { efficiencyTable, shortWarning } from "../reports/efficiency-table.ts";
import { precisionTable } from "../reports/precision-table.ts";
import { architectureSweepTable, filterSweepTable } from "../reports/sweep-tables.ts";
import { cnnVsFcnnPlot, cnnVsFcnnTable, transferTable } from "../reports/comparison-tables.ts";
import { bestModelTable } from "../reports/best-model-table.ts";
import { tableToCsv, tableToMarkdown } from "../reports/report-table.ts";
import { okRow, trainRecord, writeFixtureRun } from "./report-fixtures.ts";

const fcArch = [
  { name: "flatten", className: "Flatten", outputShape: "(None, 784)", params: 0 },
  { name: "dense", className: "Dense", outputShape: "(None, 10)", params: 7_850 },
];

async function fixture() {
  return writeFixtureRun(
    [
      okRow("basic-cnn", "fp32", "cpu", 1, 0.2, {
        roundP50s: [0.19, 0.21],
        roundsCv: 0.0707,
        ops: [
          { opType: "Conv", provider: "CPUExecutionProvider", ms: 0.15, share: 0.75, nodes: 2 },
          { opType: "Gemm", provider: "CPUExecutionProvider", ms: 0.05, share: 0.25, nodes: 2 },
        ],
      }),
      okRow("basic-cnn", "int8", "cpu", 1, 0.1, {
        sizeBytes: 100_000,
        accuracy: { top1: 0.97, count: 100, dataset: "synthetic" },
        agreementWithFp32: 0.99,
        ops: [
          { opType: "QLinearConv", provider: "CPUExecutionProvider", ms: 0.06, share: 0.6, nodes: 2 },
          { opType: "QuantizeLinear", provider: "CPUExecutionProvider", ms: 0.04, share: 0.4, nodes: 1 },
        ],
      }),
      okRow("fcnn", "fp32", "cpu", 1, 0.05, { params: 10_000, accuracy: { top1: 0.9, count: 100, dataset: "synthetic" }, accuracyPerMParams: 9_000 }),
      {
        key: "fcnn|fp32|cuda|1",
        model: "fcnn",
        precision: "fp32",
        ep: "cuda",
        batch: 1,
        onnxPath: "/x",
        finishedAt: "t",
        state: "skipped",
        reason: "no GPU",
        fix: "install CUDA",
      },
      {
        key: "fcnn|fp32|webgpu|1",
        model: "fcnn",
        precision: "fp32",
        ep: "webgpu",
        batch: 1,
        onnxPath: "/x",
        finishedAt: "t",
        state: "errored",
        error: "adapter lost",
        exitCode: 1,
        signal: null,
        stderrTail: "",
      },
    ],
    {
      "basic-cnn": trainRecord("basic-cnn", { trainingSeconds: 30 }),
      fcnn: trainRecord("fcnn", { architecture: fcArch, trainingSeconds: 10 }),
    },
  );
}

test("hardware-efficiency table: one row per result of an EP that started, figures and reasons; an EP that could not start is one note", async () => {
  const { runDir } = await fixture();
  const t = efficiencyTable(await loadReportData(runDir));
  const md = tableToMarkdown(t);
  assert.match(
    md,
    /\| basic-cnn \| fp32 \| cpu \| 1 \| ok \| 98\.00 \| 0\.200 \| 0\.260 \| 4,545 \| 7\.1 \| 120\.0 \| 13,610 \| 100,000 \| 0\.381 \| 980\.0 \| 30\.0 \| {2}\|/,
  );
  assert.doesNotMatch(md, /\| cuda \|/);
  assert.equal(t.notes[0], "EP cuda could not start here, so its 1 row is not shown: no GPU Fix: install CUDA");
  assert.match(md, /\| fcnn \| fp32 \| webgpu \| 1 \| errored \|.*\| adapter lost \|/);
  const csv = tableToCsv(t).split("\n");
  assert.equal(
    csv[0],
    "Model,Precision,EP,Batch,State,Accuracy (%),p50 (ms),p95 (ms),Throughput (img/s),Rounds CV (%),Peak RSS (MiB),Params (Keras),Params (ONNX),Size (MiB),Accuracy per M params (%/M),Training time (s),Note",
  );
});

test("FP32 vs INT8: speedup, size ratio, accuracy change, agreement, fused share and why", async () => {
  const { runDir } = await fixture();
  const t = precisionTable(await loadReportData(runDir));
  assert.equal(t.rows.length, 1);
  const r = t.rows[0]!;
  assert.equal(r.speedup, 2);
  assert.equal(r.sizeRatio, 4);
  assert.ok(Math.abs((r.accChange as number) + 1) < 1e-9);
  assert.equal(r.agreement, 99);
  assert.ok(Math.abs((r.fusedShare as number) - 60) < 1e-9);
  assert.equal(r.why, "time: Conv 75%, Gemm 25% → QLinearConv 60%, QuantizeLinear 40%");
});

test("sweeps list what is present and name what is missing with the command", async () => {
  const { runDir } = await fixture();
  const data = await loadReportData(runDir);
  const arch = architectureSweepTable(data);
  assert.deepEqual(
    arch.rows.map((r) => r.model),
    ["basic-cnn"],
  );
  assert.equal(
    arch.notes[0],
    "Missing from this run: shallow-cnn, deep-cnn, wide-cnn, tiny-cnn. Train and profile them with: npm run profile -- --models shallow-cnn,deep-cnn,wide-cnn,tiny-cnn --dataset synthetic",
  );
  const filters = filterSweepTable(data);
  assert.equal(filters.rows.length, 0);
  assert.match(tableToMarkdown(filters), /Missing from this run: small-filters, large-filters, mixed-filters/);
});

test("CNN vs FCNN scores are normalised to the best (higher is better)", async () => {
  const { runDir } = await fixture();
  const t = cnnVsFcnnTable(await loadReportData(runDir));
  const cnn = t.rows.find((r) => r.model === "basic-cnn")!;
  const fc = t.rows.find((r) => r.model === "fcnn")!;
  assert.equal(cnn.variant, "CNN");
  assert.equal(fc.variant, "fully connected");
  assert.equal(cnn.accScore, 1);
  assert.equal(fc.accScore, 90 / 98);
  assert.equal(fc.speedScore, 1);
  assert.equal(cnn.speedScore, 0.05 / 0.2);
  assert.equal(fc.sizeScore, 1);
  assert.equal(cnn.sizeScore, 0.1);
  // Lab 3's training-time score: shortest training ÷ training (fcnn 10 s, basic-cnn 30 s).
  assert.deepEqual([fc.trainScore, cnn.trainScore], [1, 10 / 30]);
  // Keras-style counts from train.json beside the ONNX ones; lab 3's params_per_second = params / training time.
  assert.deepEqual([cnn.kerasParams, cnn.params, cnn.trainable, cnn.nonTrainable, cnn.paramsPerSecond], [13610, 100000, 13610, 0, 13610 / 30]);
  const plot = await cnnVsFcnnPlot(t);
  assert.equal(plot?.id, "cnn-vs-fcnn");
  assert.match(plot?.svg ?? "", /Normalized Score \(higher is better\)/);
});

test("transfer table says what to train when a variant is missing; best model per criterion", async () => {
  const { runDir } = await fixture();
  const data = await loadReportData(runDir);
  const tr = transferTable(data);
  assert.equal(tr.rows.length, 0);
  assert.equal(tr.notes.length, 2);
  assert.match(tr.notes[0]!, /^No from-scratch MobileNetV2 here\. Train one/);
  const best = bestModelTable(data);
  assert.deepEqual(
    best.rows.map((r) => [r.best, r.value]),
    [
      ["basic-cnn", 98],
      ["fcnn (fp32, cpu)", 0.05],
      ["fcnn", 9000],
    ],
  );
});

test("transfer vs scratch from extra model dirs", async () => {
  const { root, runDir } = await fixture();
  const { mkdir, writeFile } = await import("node:fs/promises");
  const dirs = [join(root, "t"), join(root, "s")];
  await mkdir(dirs[0]!, { recursive: true });
  await mkdir(dirs[1]!, { recursive: true });
  await writeFile(join(dirs[0]!, "train.json"), JSON.stringify(trainRecord("mobilenetv2", { transfer: { pretrained: "/w", loadedLayers: 52 } })));
  await writeFile(join(dirs[1]!, "train.json"), JSON.stringify(trainRecord("mobilenetv2-scratch", { transfer: { pretrained: null, fromScratch: true } })));
  const tr = transferTable(await loadReportData(runDir, dirs));
  assert.deepEqual(
    tr.rows.map((r) => [r.model, r.variant, r.loaded, r.bestValAcc]),
    [
      ["mobilenetv2", "transfer learning", 52, 80],
      ["mobilenetv2-scratch", "from scratch", null, 80],
    ],
  );
  assert.deepEqual(tr.notes, []);
  assert.ok((await readFile(join(dirs[0]!, "train.json"), "utf8")).includes("pretrained"));
});

test("the efficiency table shortens the two stability warnings from their figures and keeps others", () => {
  assert.equal(shortWarning({ code: "high-cv", text: "long text", figures: { robustCv: 0.151, threshold: 0.1 } }), "noisy (CV 15.1%)");
  assert.equal(
    shortWarning({ code: "rounds-differ", text: "long text", figures: { roundsCv: 0.471, minRoundP50Ms: 1, maxRoundP50Ms: 2 } }),
    "rounds differ (2.00×)",
  );
  assert.equal(
    shortWarning({ code: "round-failed", text: "round 2 of 2 failed: child process was killed by signal SIGSEGV", figures: { round: 2 } }),
    "round 2 of 2 failed: child process was killed by signal SIGSEGV",
  );
});

test("the efficiency table gives a software adapter's warning once, as a note, and a short mark on its rows", async () => {
  const text = "webgpu ran on a software adapter (Google swiftshader (CPU): the GPU emulated on the CPU), so its times are the CPU's: measured lighter";
  const warning = { code: "software-adapter" as const, text, figures: { rounds: 1 } };
  const { runDir } = await writeFixtureRun(
    [okRow("lenet", "fp32", "webgpu", 1, 40, { warnings: [warning] }), okRow("lenet", "fp32", "webgpu", 32, 700, { warnings: [warning] })],
    {},
  );
  const t = efficiencyTable(await loadReportData(runDir));
  assert.deepEqual(
    t.rows.map((r) => r.note),
    ["software GPU adapter, measured lighter (A1)", "software GPU adapter, measured lighter (A1)"],
  );
  assert.deepEqual(
    t.notes.filter((n) => /^A\d+\. /.test(n)),
    [`A1. ${text}.`],
  );
});
