/**
 * One summary per model (the figures the lab comparison tables share): parameters,
 * accuracy, latency at the smallest batch and training cost, from the representative
 * FP32 row and train.json.
 */
import type { TrainRecord } from "../formats/model-dir.ts";
import { modelAccuracy, modelNames, okRows, representativeRow, type ReportData } from "./load-run.ts";

/** Figures of one model. */
export interface ModelSummary {
  readonly model: string;
  /** Parameters (ONNX initializer elements, else train.json's total): after batch norm that follows a conv is folded into it. */
  readonly params: number | null;
  /** Keras-style parameters from train.json (the model summary, before batch norm is folded), as a notebook's table shows them. */
  readonly kerasParams: number | null;
  /** Trainable parameters (train.json). */
  readonly trainableParams: number | null;
  /** Non-trainable parameters: batch-norm moving statistics and frozen layers (train.json). */
  readonly nonTrainableParams: number | null;
  /** Lab 3's `params_per_second`: Keras-style parameters / training time (train.json). */
  readonly paramsPerSecond: number | null;
  /** Lab 3's inference time: tfjs predict on up to 1,000 test images / images, ms per sample (train.json). */
  readonly inferenceMs: number | null;
  /** Top-1 test accuracy, percent. */
  readonly accuracyPct: number | null;
  /** Median latency at the smallest profiled batch, FP32, CPU EP when measured, ms. */
  readonly p50Ms: number | null;
  /** EP and batch of `p50Ms`. */
  readonly latencyAt: string | null;
  /** Training wall time, s. */
  readonly trainingS: number | null;
  /** Accuracy percent per million parameters. */
  readonly accPerM: number | null;
  /** True when the model has no convolution (a fully connected network). */
  readonly fullyConnected: boolean;
  readonly train?: TrainRecord;
}

function isFullyConnected(train: TrainRecord | undefined, model: string): boolean {
  if (train) return !train.architecture.some((l) => /conv/i.test(l.className));
  return /^fcnn|mlp|dense/i.test(model);
}

function summarize(model: string, data: ReportData, train: TrainRecord | undefined): ModelSummary {
  const row = representativeRow(okRows(data.results.rows), model);
  const acc = modelAccuracy(row, train);
  const params = row?.params ?? train?.params.total ?? null;
  return {
    model,
    params,
    accuracyPct: acc === null ? null : acc * 100,
    kerasParams: train?.params.total ?? null,
    trainableParams: train?.params.trainable ?? null,
    nonTrainableParams: train?.params.nonTrainable ?? null,
    paramsPerSecond: train ? (train.paramsPerSecond ?? train.params.total / train.trainingSeconds) : null,
    inferenceMs: train?.inferenceMsPerSample ?? null,
    p50Ms: row?.latency.p50 ?? null,
    latencyAt: row ? `${row.ep}, batch ${row.batch}` : null,
    trainingS: train?.trainingSeconds ?? null,
    accPerM: acc !== null && params ? (acc * 100) / (params / 1e6) : null,
    fullyConnected: isFullyConnected(train, model),
    ...(train ? { train } : {}),
  };
}

/** Summaries of the run's models, then of the extra model directories. */
export function modelSummaries(data: ReportData): ModelSummary[] {
  const fromRun = modelNames(data.results.rows).map((m) => summarize(m, data, data.models.get(m)?.train));
  const extra = data.extraModels.filter((e) => !fromRun.some((s) => s.model === e.model)).map((e) => summarize(e.model, data, e.train));
  return [...fromRun, ...extra];
}
