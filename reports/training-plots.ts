/** Training curves: loss and accuracy per epoch, train and validation, one plot per model. */
import type { TrainRecord } from "../formats/model-dir.ts";
import { plot, type Plot } from "./chart-render.ts";

/** Long-format points of a history: one per epoch × metric × split. */
export function historyPoints(train: TrainRecord): { epoch: number; metric: string; split: string; value: number }[] {
  return train.history.flatMap((h) => [
    { epoch: h.epoch, metric: "Loss (cross-entropy)", split: "train", value: h.loss },
    { epoch: h.epoch, metric: "Accuracy (%)", split: "train", value: h.accuracy * 100 },
    ...(h.valLoss === undefined ? [] : [{ epoch: h.epoch, metric: "Loss (cross-entropy)", split: "validation", value: h.valLoss }]),
    ...(h.valAccuracy === undefined ? [] : [{ epoch: h.epoch, metric: "Accuracy (%)", split: "validation", value: h.valAccuracy * 100 }]),
  ]);
}

/** The training curves of one model (file `training-<model>.svg`). */
export async function trainingPlot(model: string, train: TrainRecord): Promise<Plot> {
  return plot(`training-${model.replace(/[^A-Za-z0-9_.-]/g, "_")}`, `Training curves: ${model} (best epoch ${train.bestEpoch})`, {
    data: { values: historyPoints(train) },
    columns: 2,
    facet: { field: "metric", type: "nominal", title: null, sort: ["Loss (cross-entropy)", "Accuracy (%)"] },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 250,
      height: 200,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "Epoch", axis: { tickMinStep: 1, format: "d" } },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "split", type: "nominal", title: "Split" },
      },
    },
  });
}
