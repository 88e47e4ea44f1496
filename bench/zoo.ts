/**
 * `npm run bench -- zoo`: every MNIST-lab zoo model, trained (if missing) and exported at
 * FP32 and static INT8, on MNIST and Fashion-MNIST. Records, per model: FP32 parity with
 * tfjs on the full test set (max |Δ|, top-1 agreement), INT8 accuracy change, INT8/FP32
 * file size, and whether ORT's optimized INT8 graph has a QLinearConv for every Conv.
 */
import { join } from "node:path";
import { exportModel, type ExportRecord } from "../export/index.ts";
import { ensureTrained } from "../train/index.ts";
import type { BenchSection } from "./bench-section.ts";

/** The MNIST labs' models (the CIFAR and MobileNetV2 models need CIFAR-10, which is not shipped). */
const MNIST_MODELS = ["lenet", "basic-cnn", "shallow-cnn", "deep-cnn", "wide-cnn", "tiny-cnn", "small-filters", "large-filters", "mixed-filters", "fcnn"];
/** Models the INT8 accuracy target (at most 0.5 points lost) applies to. */
const INT8_TARGET_MODELS = new Set(MNIST_MODELS.filter((m) => m !== "fcnn"));

function figures(model: string, dataset: string, record: ExportRecord, trainedEpochs: number) {
  const fp32 = record.precisions.find((p) => p.precision === "fp32")!;
  const int8 = record.precisions.find((p) => p.precision === "int8")!;
  const convs = record.converter.layers.filter((l) => l.onnxOps.includes("Conv")).length;
  const qconvs = (int8.opHistogram.QLinearConv ?? 0) + (int8.opHistogram.QLinearConv_nhwc ?? 0);
  const accuracyChangePoints = (int8.accuracy - fp32.accuracy) * 100;
  return {
    model,
    dataset,
    trainedEpochs,
    testImages: fp32.parity.count,
    fp32: { accuracy: fp32.accuracy, maxAbsDiff: fp32.parity.maxAbsDiff, top1Agreement: fp32.parity.top1Agreement, bytes: fp32.bytes },
    int8: {
      accuracy: int8.accuracy,
      top1AgreementWithFp32: int8.parity.top1Agreement,
      bytes: int8.bytes,
      opHistogram: int8.opHistogram,
      floatNodes: int8.quantization?.float ?? [],
    },
    accuracyChangePoints,
    sizeRatio: int8.bytes / fp32.bytes,
    convs,
    qlinearConvs: qconvs,
    checks: {
      parity: fp32.parity.maxAbsDiff <= 1e-4 && fp32.parity.top1Agreement === 1,
      int8AccuracyWithin05: INT8_TARGET_MODELS.has(model) ? accuracyChangePoints >= -0.5 : null,
      int8SizeAtMost30Percent: int8.bytes / fp32.bytes <= 0.3,
      qlinearConvForEveryConv: qconvs === convs,
    },
  };
}

/** The `zoo` bench section. */
export const zooBench: BenchSection = {
  name: "zoo",
  description: "every MNIST zoo model on MNIST and Fashion-MNIST: FP32 parity with tfjs, INT8 accuracy change, size, QLinearConv per Conv",
  async run({ out, quick }) {
    const epochs = 1;
    const rows = [];
    for (const dataset of ["mnist", "fashion-mnist"] as const) {
      for (const model of MNIST_MODELS) {
        console.log(`zoo: ${model} on ${dataset}`);
        const { dir, record } = await ensureTrained({ model, dataset, out: join(out, "bench-zoo"), epochs, ...(quick ? { limit: 6000 } : {}), summary: false });
        const exported = await exportModel({ modelDir: dir, precisions: ["fp32", "int8"], onProgress: (l) => console.log(`  ${l}`) });
        rows.push(figures(model, dataset, exported, record.epochsRun));
      }
    }
    const failed = rows.flatMap((r) =>
      Object.entries(r.checks)
        .filter(([, ok]) => ok === false)
        .map(([check]) => `${r.model}/${r.dataset}: ${check}`),
    );
    for (const r of rows) {
      console.log(
        `${r.model.padEnd(14)} ${r.dataset.padEnd(14)} fp32 ${(r.fp32.accuracy * 100).toFixed(2)}% |Δ| ${r.fp32.maxAbsDiff.toExponential(1)} agree ${(r.fp32.top1Agreement * 100).toFixed(2)}% | int8 ${(r.int8.accuracy * 100).toFixed(2)}% (${r.accuracyChangePoints >= 0 ? "+" : ""}${r.accuracyChangePoints.toFixed(2)} pt) size ${(r.sizeRatio * 100).toFixed(1)}% QLinearConv ${r.qlinearConvs}/${r.convs}`,
      );
    }
    console.log(failed.length ? `checks failed: ${failed.join(", ")}` : "all checks passed");
    return { trainingEpochs: epochs, limit: quick ? 6000 : null, rows, failed };
  },
};
