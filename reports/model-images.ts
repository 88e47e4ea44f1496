/**
 * Looking inside a model (PNG via sharp): the first conv layer's filters as a grid, the
 * feature maps of each conv layer for one test image, and Grad-CAM heat maps (gradient of
 * the class score w.r.t. the last conv layer's output, averaged per channel as weights)
 * over a few test images. Runs on whichever tfjs backend is active (cpu by default).
 */
import sharp from "sharp";
import type * as tfTypes from "@tensorflow/tfjs";
import { modelNames, type ReportData } from "./load-run.ts";
import type { ImagePlot, ReportSection } from "./report-document.ts";
import type { ResolvedReportOptions } from "../formats/options/report-options.ts";
import { loadTestSet, type TestSet } from "./test-set.ts";
import { predictionsStrip, samplesPerClass } from "./dataset-images.ts";
import { modelSummaries } from "./model-summaries.ts";
import { toModelInput, type ModelInput } from "../formats/model-input.ts";
import type { TrainRecord } from "../formats/model-dir.ts";

type Tf = typeof tfTypes;

/** A grey or RGB picture, values 0..255, row-major HWC. */
interface Picture {
  readonly width: number;
  readonly height: number;
  /** RGB bytes, length width × height × 3. */
  readonly rgb: Uint8Array;
}

/** Scales values to 0..255 (min → 0, max → 255). */
export function normalise(values: ArrayLike<number>): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((((values[i] ?? 0) - lo) / span) * 255);
  return out;
}

/** A jet-like colour map: 0 → dark blue, 0.5 → green/yellow, 1 → red. */
export function heatColour(t: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

/** Tiles grey tiles (each `w×h`, 0..255) into a grid with `scale`× nearest-neighbour upsampling and 2-px gaps. */
function tileGrid(tiles: readonly Uint8Array[], w: number, h: number, scale: number, columns: number): Picture {
  const cols = Math.min(columns, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const gap = 2;
  const width = cols * (w * scale + gap) + gap;
  const height = rows * (h * scale + gap) + gap;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  tiles.forEach((tile, i) => {
    const ox = gap + (i % cols) * (w * scale + gap);
    const oy = gap + Math.floor(i / cols) * (h * scale + gap);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const v = tile[Math.floor(y / scale) * w + Math.floor(x / scale)] ?? 0;
        const o = ((oy + y) * width + ox + x) * 3;
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
    }
  });
  return { width, height, rgb };
}

async function png(p: Picture): Promise<Buffer> {
  return sharp(Buffer.from(p.rgb), { raw: { width: p.width, height: p.height, channels: 3 } })
    .png()
    .toBuffer();
}

function convLayers(model: tfTypes.LayersModel): tfTypes.layers.Layer[] {
  return model.layers.filter((l) => /^(Conv2D|DepthwiseConv2D|SeparableConv2D)$/.test(l.getClassName()));
}

/** The first conv layer's filters (channel mean per filter), as a grid. */
async function filterGrid(tf: Tf, model: tfTypes.LayersModel): Promise<{ png: Buffer; count: number; size: string } | null> {
  const first = convLayers(model)[0];
  const kernel = first?.getWeights()[0];
  if (!first || !kernel || kernel.shape.length !== 4) return null;
  const [kh = 1, kw = 1, , cout = 1] = kernel.shape;
  const mean = tf.tidy(() => kernel.mean(2).transpose([2, 0, 1])); // [cout, kh, kw]
  const data = await mean.data();
  mean.dispose();
  const tiles = Array.from({ length: cout }, (_, f) => normalise(data.subarray(f * kh * kw, (f + 1) * kh * kw)));
  const scale = Math.max(4, Math.round(48 / Math.max(kh, kw)));
  return { png: await png(tileGrid(tiles, kw, kh, scale, 16)), count: cout, size: `${kh}×${kw}` };
}

/** Test images `[index, index + n)` as the model takes them (resized, scaled and offset as in training). */
function inputTensor(tf: Tf, set: TestSet, index: number, input: ModelInput, n = 1): tfTypes.Tensor4D {
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  const [h, w, c] = input.shape;
  const out = new Float32Array(n * h * w * c);
  toModelInput(set.test.images.subarray(index * per, (index + n) * per), n, set.shape, input, out);
  return tf.tensor4d(out, [n, h, w, c]);
}

/** The model input a train.json records. */
function modelInputOf(train: TrainRecord): ModelInput {
  return { shape: train.dataset.inputShape, scale: train.dataset.scale, offset: train.dataset.offset ?? 0 };
}

/** Feature maps (up to 16 channels) of every conv layer for one image: one PNG per layer. */
async function featureMaps(tf: Tf, model: tfTypes.LayersModel, x: tfTypes.Tensor4D): Promise<{ layer: string; png: Buffer; shown: number; of: number }[]> {
  const out: { layer: string; png: Buffer; shown: number; of: number }[] = [];
  for (const layer of convLayers(model)) {
    const probe = tf.model({ inputs: model.inputs, outputs: layer.output as tfTypes.SymbolicTensor });
    const y = probe.predict(x) as tfTypes.Tensor4D;
    const [, h = 1, w = 1, c = 1] = y.shape;
    const chw = tf.tidy(() => y.squeeze([0]).transpose([2, 0, 1]));
    const data = await chw.data();
    tf.dispose([y, chw]);
    const shown = Math.min(16, c);
    const tiles = Array.from({ length: shown }, (_, k) => normalise(data.subarray(k * h * w, (k + 1) * h * w)));
    out.push({ layer: layer.name, png: await png(tileGrid(tiles, w, h, Math.max(2, Math.round(64 / Math.max(h, w))), 8)), shown, of: c });
  }
  return out;
}

/**
 * Grad-CAM of one image: ReLU(Σ_k α_k A_k) with α_k the spatial mean of ∂score/∂A_k, A the
 * last conv layer's output; the head is the layers after it applied in order (sequential
 * models only). Returns the heat map (h×w, 0..1) and the predicted class.
 */
async function gradCam(
  tf: Tf,
  model: tfTypes.LayersModel,
  x: tfTypes.Tensor4D,
): Promise<{ cam: Float32Array; h: number; w: number; predicted: number } | null> {
  const convs = convLayers(model);
  const last = convs[convs.length - 1];
  if (!last) return null;
  const index = model.layers.indexOf(last);
  const head = model.layers.slice(index + 1);
  if (head.some((l) => l.inboundNodes.length !== 1 || l.inboundNodes[0]?.inboundLayers.length !== 1)) return null;
  const body = tf.model({ inputs: model.inputs, outputs: last.output as tfTypes.SymbolicTensor });
  const a = body.predict(x) as tfTypes.Tensor4D;
  const logits = tf.tidy(() => head.reduce<tfTypes.Tensor>((t, l) => l.apply(t) as tfTypes.Tensor, a));
  const predicted = (await logits.argMax(-1).data())[0] ?? 0;
  logits.dispose();
  const score = (t: tfTypes.Tensor) =>
    (head.reduce<tfTypes.Tensor>((u, l) => l.apply(u) as tfTypes.Tensor, t) as tfTypes.Tensor2D).slice([0, predicted], [1, 1]).sum();
  const cam = tf.tidy(() => {
    const g = tf.grad(score)(a);
    const alpha = g.mean([1, 2], true);
    return tf.relu(a.mul(alpha).sum(-1)).squeeze([0]);
  });
  const [h = 1, w = 1] = cam.shape;
  const data = (await cam.data()) as Float32Array;
  tf.dispose([a, cam]);
  const max = data.reduce((m, v) => Math.max(m, v), 0) || 1;
  return { cam: data.map((v) => v / max), h, w, predicted };
}

/** Overlays heat maps on their images: each pair shown as [image | overlay], upscaled. */
function overlayStrip(items: { image: Uint8Array; ih: number; iw: number; ic: number; cam: Float32Array; h: number; w: number }[], scale: number): Picture {
  const gap = 4;
  const first = items[0];
  const ih = first?.ih ?? 1;
  const iw = first?.iw ?? 1;
  const cellW = iw * scale;
  const width = items.length * (2 * cellW + 3 * gap) + gap;
  const height = ih * scale + 2 * gap;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  items.forEach((it, n) => {
    const ox = gap + n * (2 * cellW + 3 * gap);
    for (let y = 0; y < ih * scale; y++) {
      for (let x = 0; x < iw * scale; x++) {
        const sy = Math.floor(y / scale);
        const sx = Math.floor(x / scale);
        const p = (sy * iw + sx) * it.ic;
        const base: [number, number, number] =
          it.ic >= 3 ? [it.image[p] ?? 0, it.image[p + 1] ?? 0, it.image[p + 2] ?? 0] : [it.image[p] ?? 0, it.image[p] ?? 0, it.image[p] ?? 0];
        const cy = Math.min(it.h - 1, Math.floor((y / (ih * scale)) * it.h));
        const cx = Math.min(it.w - 1, Math.floor((x / (iw * scale)) * it.w));
        const heat = heatColour(it.cam[cy * it.w + cx] ?? 0);
        const o1 = ((gap + y) * width + ox + x) * 3;
        const o2 = o1 + (cellW + gap) * 3;
        for (let k = 0; k < 3; k++) {
          rgb[o1 + k] = base[k] ?? 0;
          rgb[o2 + k] = Math.round(0.5 * (base[k] ?? 0) + 0.5 * (heat[k] ?? 0));
        }
      }
    }
  });
  return { width, height, rgb };
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** The images of one model (zoo models with a tfjs model.json beside their ONNX files). */
async function modelImages(
  tf: Tf,
  dir: string,
  model: string,
  set: TestSet,
  o: ResolvedReportOptions,
  train: TrainRecord,
  best: boolean,
): Promise<ImagePlot[]> {
  const { loadTfjsModel } = await import("../formats/model-dir.ts");
  const m = await loadTfjsModel(dir);
  const input = modelInputOf(train);
  const images: ImagePlot[] = [];
  try {
    const filters = await filterGrid(tf, m);
    if (filters)
      images.push({
        id: `filters-${fileSafe(model)}`,
        title: `${model}: first conv layer filters`,
        png: filters.png,
        caption: `${filters.count} filters of ${filters.size}, mean over input channels, each scaled to its own min (black) – max (white).`,
      });
    const fi = Math.min(o.featureMapImage, set.test.count - 1);
    const x = inputTensor(tf, set, fi, input);
    const label = set.test.labels[fi] ?? 0;
    for (const f of await featureMaps(tf, m, x)) {
      images.push({
        id: `features-${fileSafe(model)}-${fileSafe(f.layer)}`,
        title: `${model}${best ? " (best model by accuracy)" : ""}: feature maps of ${f.layer}`,
        png: f.png,
        caption: `Test image ${fi} (class "${set.classNames[label] ?? label}"): ${f.shown} of ${f.of} channels, each scaled to its own range.`,
      });
    }
    x.dispose();
    const shown = Math.min(o.predictionImages, set.test.count);
    if (shown > 0) {
      const xs = inputTensor(tf, set, 0, input, shown);
      const predicted = tf.tidy(() => (m.predict(xs) as tfTypes.Tensor).argMax(-1).dataSync());
      xs.dispose();
      const strip = await predictionsStrip(set.test, set.shape, predicted);
      const words = Array.from(predicted, (p, i) => {
        const t = set.test.labels[i] ?? 0;
        return `${i}: true "${set.classNames[t] ?? t}", predicted "${set.classNames[p] ?? p}"${p === t ? "" : " ✗"}`;
      });
      images.push({
        id: `predictions-${fileSafe(model)}`,
        title: `${model}: predictions on the first ${shown} test images (${strip.wrong} wrong)`,
        png: strip.png,
        caption: `Green frame: right, red frame: wrong (✗). ${words.join("; ")}.`,
      });
    }
    const n = Math.min(o.gradCamImages, set.test.count);
    const strip: Parameters<typeof overlayStrip>[0] = [];
    const captions: string[] = [];
    const [ih = 1, iw = 1, ic = 1] = set.shape;
    const per = ih * iw * ic;
    for (let i = 0; i < n; i++) {
      const xi = inputTensor(tf, set, i, input);
      const g = await gradCam(tf, m, xi);
      xi.dispose();
      if (!g) break;
      strip.push({ image: normalise(set.test.images.subarray(i * per, (i + 1) * per)), ih, iw, ic, ...g });
      captions.push(`image ${i}: true "${set.classNames[set.test.labels[i] ?? 0] ?? "?"}", predicted "${set.classNames[g.predicted] ?? g.predicted}"`);
    }
    if (strip.length > 0) {
      images.push({
        id: `gradcam-${fileSafe(model)}`,
        title: `${model}: Grad-CAM`,
        png: await png(overlayStrip(strip, Math.max(3, Math.round(112 / ih)))),
        caption: `Pairs of [test image | heat map of the predicted class over the last conv layer] (red = most evidence): ${captions.join("; ")}.`,
      });
    }
  } finally {
    m.dispose();
  }
  return images;
}

/** Builds the "inside the models" section for every run model with a tfjs model and a conv layer. */
export async function modelImagesSection(data: ReportData, o: ResolvedReportOptions, warnings: string[]): Promise<ReportSection> {
  const images: ImagePlot[] = [];
  const tf = (await import("@tensorflow/tfjs")) as Tf;
  // as training does: production mode, so tfjs's cpu backend does not print its "install tfjs-node" banner into the report's output
  tf.enableProdMode();
  await tf.ready();
  const accuracy = new Map(modelSummaries(data).map((s) => [s.model, s.accuracyPct ?? -1]));
  const cnns = modelNames(data.results.rows).filter((m) => data.models.get(m)?.train?.architecture.some((l) => /Conv2D/.test(l.className)));
  const best = cnns.reduce<string | undefined>((b, m) => (b === undefined || (accuracy.get(m) ?? -1) > (accuracy.get(b) ?? -1) ? m : b), undefined);
  const samplesShown = new Set<string>();
  for (const model of cnns) {
    const rec = data.models.get(model);
    const train = rec?.train;
    if (!rec || !train) continue;
    try {
      const set = await loadTestSet(
        train.dataset.name,
        Math.max(o.gradCamImages, o.featureMapImage + 1, o.predictionImages, 1000),
        data.results.settings.dataDir,
        train.seed,
      );
      if (!samplesShown.has(train.dataset.name)) {
        samplesShown.add(train.dataset.name);
        const s = await samplesPerClass(set.test, set.shape, set.classNames.length);
        images.push({
          id: `samples-${fileSafe(train.dataset.name)}`,
          title: `${train.dataset.name}: sample test images per class`,
          png: s.png,
          caption: `Row k shows the first test images of class k: ${set.classNames.map((c, k) => `${k} "${c}" (${s.shown[k] ?? 0})`).join(", ")}.`,
        });
      }
      images.push(...(await modelImages(tf, rec.dir, model, set, o, train, model === best && cnns.length > 1)));
    } catch (e) {
      warnings.push(`images of ${model}: ${(e as Error).message}`);
    }
  }
  return {
    id: "inside",
    title: "Inside the models",
    intro: images.length === 0 ? ["No CNN with a tfjs model.json and train.json beside its ONNX file in this run."] : [`tfjs backend: ${tf.getBackend()}.`],
    tables: [],
    plots: [],
    images,
  };
}
