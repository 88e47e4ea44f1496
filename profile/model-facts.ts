/**
 * What the profiler needs to know about an ONNX file before running it: its harness
 * metadata (absent for foreign models), its real inputs, parameter count and size.
 */
import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { asOnnxGraph, readOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { inputAt, type OnnxGraph, type OnnxTensor } from "../formats/onnx/onnx-model.ts";
import { fromMetadataProps, type HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import { modelWork, type ModelWork } from "./work/index.ts";

/** One graph input: name, dims (number, symbolic name, or null when unknown), ONNX elem type. */
export interface InputSpec {
  readonly name: string;
  readonly dims: readonly (number | string | null)[];
  /** ONNX TensorProto.DataType (1 float, 7 int64, …). */
  readonly elemType: number;
}

/** Facts about one ONNX file. */
export interface ModelFacts {
  readonly path: string;
  /** Model name: metadata `model`, else the file name without `.onnx` and precision suffix. */
  readonly name: string;
  /** Precision: metadata, else from a `.<precision>.onnx` file name, else `fp32`. */
  readonly precision: string;
  readonly metadata: HarnessMetadata | undefined;
  readonly inputs: readonly InputSpec[];
  /** Parameters: initializer elements + ConstantOfShape outputs (shape inputs excluded). */
  readonly params: number;
  /** Size on disk, bytes: the .onnx file plus the external data files its tensors name. */
  readonly sizeBytes: number;
  /**
   * Work of one `session.run` per batch size asked for (profile/work/: MACs, FLOPs, bytes),
   * absent when no batches were given; batches the model cannot take are left out.
   */
  readonly work?: readonly ModelWork[];
  /** Why the work could not be counted (the message of the failure), when it could not. */
  readonly workError?: string;
}

/** What {@link readModelFacts} should also count. */
export interface ModelFactsOptions {
  /** Batch sizes to count the work at (none: no work counted). */
  readonly batches?: readonly number[];
  /** Dynamic dims of inputs (`--shape`), as {@link concreteShape} takes them. */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
}

/** The work of `model` at each batch its inputs can take (see {@link concreteShape}). */
export function workPerBatch(
  model: onnx.IModelProto,
  inputs: readonly InputSpec[],
  batches: readonly number[],
  shapes: Readonly<Record<string, readonly number[]>>,
): ModelWork[] {
  const out: ModelWork[] = [];
  for (const batch of batches) {
    const dims: Record<string, number[]> = {};
    let ok = true;
    for (const input of inputs) {
      const s = concreteShape(input, batch, shapes);
      if ("reason" in s) ok = false;
      else dims[input.name] = s.shape;
    }
    if (ok) out.push(modelWork(model, dims, batch));
  }
  return out;
}

function elementCount(t: OnnxTensor): number {
  return t.dims.reduce<number>((a, d) => a * Number(d), 1);
}

/** Reads int64 values of a constant tensor (int64Data or little-endian rawData). */
function int64Values(t: OnnxTensor): number[] {
  if (t.int64Data.length > 0) return t.int64Data.map(Number);
  const raw = t.rawData;
  if (raw.length === 0) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 8 <= raw.byteLength; i += 8) out.push(Number(view.getBigInt64(i, true)));
  return out;
}

/** Counts parameters: every initializer's elements, plus ConstantOfShape weights whose shape is a constant initializer. */
export function countParams(model: onnx.IGraphProto | OnnxGraph): number {
  const graph = asOnnxGraph(model);
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const shapeInputs = new Set<string>();
  let params = 0;
  for (const node of graph.node) {
    if (node.opType !== "ConstantOfShape") continue;
    const shapeName = inputAt(node, 0);
    const shape = inits.get(shapeName);
    if (!shape) continue;
    shapeInputs.add(shapeName);
    params += int64Values(shape).reduce((a, d) => a * d, 1);
  }
  for (const [name, t] of inits) if (!shapeInputs.has(name)) params += elementCount(t);
  return params;
}

/** Graph inputs that are not initializers (IR < 4 models list initializers as inputs). */
export function realInputs(model: onnx.IGraphProto | OnnxGraph): InputSpec[] {
  const graph = asOnnxGraph(model);
  const inits = new Set(graph.initializer.map((t) => t.name));
  return graph.input
    .filter((i) => !inits.has(i.name))
    .map((i) => ({
      name: i.name,
      elemType: i.type?.tensorType?.elemType ?? 1,
      dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue > 0 ? d.dimValue : d.dimParam || null)),
    }));
}

/** The distinct external data files (`location` of tensors stored outside the .onnx file), as written in the model. */
export function externalDataFiles(model: onnx.IGraphProto | OnnxGraph): string[] {
  const files = new Set<string>();
  const visit = (g: OnnxGraph) => {
    for (const t of g.initializer) {
      const location = t.externalData.find((e) => e.key === "location")?.value;
      if (location) files.add(location);
    }
    for (const node of g.node) {
      for (const a of node.attribute) {
        if (a.g) visit(a.g);
        for (const sub of a.graphs) visit(sub);
        const t = a.t;
        const location = t?.externalData.find((e) => e.key === "location")?.value;
        if (location) files.add(location);
      }
    }
  };
  visit(asOnnxGraph(model));
  return [...files];
}

/** Bytes on disk of a model: the file plus each external data file beside it (a missing one counts 0). */
export async function modelSizeBytes(path: string, graph: onnx.IGraphProto | OnnxGraph): Promise<number> {
  let size = (await stat(path)).size;
  for (const file of externalDataFiles(graph)) {
    size += await stat(resolve(dirname(path), file)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return size;
}

/**
 * Reads an ONNX file's facts, and its work per batch when `options.batches` is given;
 * errors (truncated, not ONNX) come from readOnnx and name the file.
 */
export async function readModelFacts(path: string, options: ModelFactsOptions = {}): Promise<ModelFacts> {
  const model = await readOnnx(path);
  const graph = model.graph;
  const metadata = fromMetadataProps(model.metadataProps, path);
  const file = basename(path).replace(/\.onnx$/i, "");
  const m = /^(.*)\.(fp32|int8-dynamic|int8-all|int8|fp16)$/.exec(file);
  const nameFromFile = m?.[1] && m[1] !== "model" ? m[1] : file;
  const inputs = realInputs(graph);
  let work: ModelWork[] | undefined;
  let workError: string | undefined;
  if (options.batches && options.batches.length > 0) {
    try {
      work = workPerBatch(model, inputs, options.batches, options.shapes ?? {});
    } catch (e) {
      workError = `work not counted: ${(e as Error).message}`;
    }
  }
  return {
    path,
    name: metadata?.model ?? nameFromFile,
    precision: metadata?.precision ?? m?.[2] ?? "fp32",
    metadata,
    inputs,
    params: countParams(graph),
    sizeBytes: await modelSizeBytes(path, graph),
    ...(work ? { work } : {}),
    ...(workError ? { workError } : {}),
  };
}

/**
 * The concrete shape of `input` at `batch`: `shapes[name]` if given (axis 0 replaced by
 * `batch` when the model's axis 0 is dynamic), else the model's dims with axis 0 = batch
 * when dynamic; other dynamic dims default to 3 for axis 1 of a 4-D input (channels) and
 * 224 elsewhere. Returns a reason string when the batch cannot be applied (fixed axis 0).
 */
export function concreteShape(
  input: InputSpec,
  batch: number,
  shapes: Readonly<Record<string, readonly number[]>>,
): { shape: number[] } | { reason: string; fix: string } {
  const given = shapes[input.name];
  const dims = input.dims;
  const batchDynamic = typeof dims[0] !== "number";
  if (!batchDynamic && dims[0] !== batch) {
    return {
      reason: `input "${input.name}" has a fixed batch dimension ${String(dims[0])}, so batch ${batch} cannot run`,
      fix: `use --batch ${String(dims[0])}, or export the model with a dynamic batch axis`,
    };
  }
  if (given) {
    if (given.length !== dims.length && dims.length > 0) {
      throw new Error(`--shape ${input.name}=${given.join("x")} has ${given.length} dims; the model's input has ${dims.length}`);
    }
    return { shape: given.map((d, i) => (i === 0 && batchDynamic ? batch : d)) };
  }
  return {
    shape: dims.map((d, i) => {
      if (typeof d === "number") return d;
      if (i === 0) return batch;
      return i === 1 && dims.length === 4 ? 3 : 224;
    }),
  };
}
