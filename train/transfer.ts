/**
 * Transfer learning for MobileNetV2: pretrained weights copied by layer name from a local
 * tfjs model directory or a URL, the base frozen under a new head, then the top N base
 * layers unfrozen for fine-tuning at a lower learning rate.
 */
import { stat } from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import { loadTfjsModel } from "../formats/model-dir.ts";
import { baseLayers } from "./models/mobilenetv2.ts";

/** How many layers got pretrained weights, and which were skipped. */
export interface PretrainedLoad {
  source: string;
  /** Layers whose weights were copied. */
  loaded: number;
  /** Layers of ours with weights that found no same-named, same-shaped layer. */
  missing: string[];
}

async function loadSource(source: string): Promise<tf.LayersModel> {
  if (/^https?:\/\//.test(source)) {
    const url = source.endsWith(".json") ? source : `${source.replace(/\/$/, "")}/model.json`;
    try {
      return await tf.loadLayersModel(url);
    } catch (e) {
      throw new Error(
        `Cannot load pretrained weights from "${url}": ${(e as Error).message}. Give a reachable URL or a local tfjs model directory (model.json + weights).`,
      );
    }
  }
  const isDir = await stat(source).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error(`Pretrained weights "${source}" is not a directory. Give a tfjs model directory (model.json + weights) or an http(s) URL.`);
  return loadTfjsModel(source);
}

/** Copies weights from `source` into `model` for every layer with the same name and shapes. */
export async function loadPretrained(model: tf.LayersModel, source: string): Promise<PretrainedLoad> {
  const pre = await loadSource(source);
  try {
    const byName = new Map(pre.layers.map((l) => [l.name, l]));
    let loaded = 0;
    const missing: string[] = [];
    for (const layer of baseLayers(model)) {
      if (layer.weights.length === 0) continue;
      const other = byName.get(layer.name);
      const theirs = other?.getWeights();
      const ours = layer.getWeights();
      if (theirs && theirs.length === ours.length && theirs.every((t, i) => tf.util.arraysEqual(t.shape, ours[i]!.shape))) {
        layer.setWeights(theirs);
        loaded++;
      } else {
        missing.push(layer.name);
      }
    }
    if (loaded === 0) {
      throw new Error(
        `Pretrained model "${source}" shares no layer (same name and shape) with this MobileNetV2; check --alpha and the input channels (pretrained ImageNet weights need 3 channels).`,
      );
    }
    return { source, loaded, missing };
  } finally {
    pre.dispose();
  }
}

const inferenceWhenFrozenLayers = new WeakSet<tf.layers.Layer>();

/**
 * Makes a BatchNormalization layer run in inference mode (moving statistics used, never
 * updated) whenever it is frozen, as Keras does for `trainable = False` batch norms. tfjs
 * 4.22 keeps updating a frozen batch norm's moving mean and variance in training mode, so
 * without this a frozen phase overwrites the pretrained (ImageNet) statistics.
 * Other layers are left alone.
 */
export function inferenceWhenFrozen(layer: tf.layers.Layer): void {
  if (layer.getClassName() !== "BatchNormalization" || inferenceWhenFrozenLayers.has(layer)) return;
  inferenceWhenFrozenLayers.add(layer);
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, layer.trainable ? kwargs : { ...kwargs, training: false });
}

/**
 * Freezes every base layer (the head stays trainable), batch norms in inference mode.
 * Returns the number frozen.
 */
export function freezeBase(model: tf.LayersModel): number {
  const base = baseLayers(model);
  for (const l of base) {
    l.trainable = false;
    inferenceWhenFrozen(l);
  }
  return base.length;
}

/**
 * Unfreezes the top `n` base layers for fine-tuning, keeping BatchNormalization layers
 * frozen and in inference mode (their statistics stay those of the pretrained model, as
 * Keras's `base(x, training=False)`). Returns the layers unfrozen.
 */
export function unfreezeTop(model: tf.LayersModel, n: number): number {
  const base = baseLayers(model);
  let count = 0;
  for (const l of base.slice(Math.max(0, base.length - n))) {
    if (l.getClassName() === "BatchNormalization") continue;
    l.trainable = true;
    count++;
  }
  return count;
}
