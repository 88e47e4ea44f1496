/**
 * tfjs LayersModel → ONNX ModelProto. Walks the model's graph from its outputs (Sequential
 * and functional models alike), converts each layer with the converter registered for its
 * class, and emits an NCHW graph with a dynamic batch axis.
 */
import type * as tf from "@tensorflow/tfjs";
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { toMetadataProps, type HarnessMetadata } from "../../formats/onnx/onnx-metadata.ts";
import type { FoldedBatchNorm, OnnxValue, TfLayer } from "./converter-types.ts";
import { activationName } from "./layers/activation.ts";
import { toTfjsOrder } from "./layers/layout.ts";
import { LAYER_CONVERTERS, REMOVED_AT_INFERENCE, SUPPORTED_LAYERS } from "./layer-registry.ts";
import { OnnxGraphBuilder } from "./onnx-graph-builder.ts";

/** Default ONNX opset: 17 (ONNX 1.12, the proto this project is generated from). */
export const DEFAULT_OPSET = 17;
/** ONNX IR version written (8 = ONNX 1.12, supports opsets up to 17). */
export const IR_VERSION = 8;
/** Name of the graph input (NCHW float32 images, or a rank-2 feature vector). */
export const INPUT_NAME = "input";
/** Name of the dynamic batch axis (`dim_param`). */
export const BATCH_DIM = "batch";

/** Options of {@link convertTfjsToOnnx}. */
export interface ConvertOptions {
  /** ONNX opset, 13..17. Default {@link DEFAULT_OPSET}. */
  opset?: number;
  /** Harness metadata written into `metadata_props`; none when absent. */
  metadata?: HarnessMetadata;
  /** Graph name. Default: the tfjs model name. */
  graphName?: string;
}

/** One converted tfjs layer and the ONNX ops it became (empty when folded or removed). */
export interface ConvertedLayer {
  name: string;
  className: string;
  onnxOps: string[];
}

/** What the converter did, for `export.json`. */
export interface ConverterFacts {
  opset: number;
  irVersion: number;
  inputName: string;
  /** Input dims in ONNX order, batch as {@link BATCH_DIM}, e.g. ["batch", 1, 28, 28]. */
  inputShape: (number | string)[];
  outputName: string;
  outputShape: (number | string)[];
  layers: ConvertedLayer[];
  /** BatchNormalization layers folded into the convolution before them. */
  foldedBatchNorms: FoldedBatchNorm[];
  /** Layers dropped because they are identities at inference (Dropout). */
  removedLayers: string[];
}

type TfNode = TfLayer["inboundNodes"][number];
type SymbolicTensor = tf.SymbolicTensor;

/**
 * Converts `model` to ONNX. Throws `Cannot convert layer "<name>" (<Class>): <reason>` for
 * a layer (or a setting) it cannot express, listing the supported layer classes.
 */
export function convertTfjsToOnnx(model: tf.LayersModel, options: ConvertOptions = {}): { model: onnx.IModelProto; facts: ConverterFacts } {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) {
    throw new Error(`Unsupported opset ${opset}. Expected an integer from 13 to 17 (IR version ${IR_VERSION}).`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`Cannot convert model "${model.name}": expected 1 input and 1 output, got ${model.inputs.length} and ${model.outputs.length}.`);
  }
  const builder = new OnnxGraphBuilder();
  builder.uniqueName(INPUT_NAME);
  const facts: ConverterFacts = {
    opset,
    irVersion: IR_VERSION,
    inputName: INPUT_NAME,
    inputShape: [],
    outputName: "",
    outputShape: [],
    layers: [],
    foldedBatchNorms: [],
    removedLayers: [],
  };
  const order = topologicalNodes(model.outputs);
  refuseUnsupported(order);
  const consumers = countConsumers(order, model.outputs);
  const values = new Map<number, OnnxValue>();

  for (const node of order) {
    const layer = node.outboundLayer;
    const className = layer.getClassName();
    const [outputTensor] = node.outputTensors;
    if (!outputTensor) continue;
    if (className === "InputLayer") {
      const { value, dims } = graphInput(outputTensor.shape, layer.name);
      values.set(outputTensor.id, value);
      facts.inputShape = dims;
      facts.layers.push({ name: layer.name, className, onnxOps: [] });
      continue;
    }
    const converter = LAYER_CONVERTERS[className]!;
    const fail = (reason: string): never => {
      throw new Error(`Cannot convert layer "${layer.name}" (${className}): ${reason}`);
    };
    const inputs = node.inputTensors.map((t) => {
      const value = values.get(t.id);
      if (!value) return fail(`input "${t.name}" was not converted`);
      // A conv output read by more than this layer (or returned by the model) must not be folded into.
      return (consumers.get(t.id) ?? 0) > 1 ? { name: value.name, shape: value.shape, layout: value.layout } : value;
    });
    const before = builder.nodes.length;
    let output: OnnxValue;
    try {
      output = converter({ builder, layer, config: layer.getConfig(), inputs, outputShape: outputTensor.shape, folded: facts.foldedBatchNorms });
    } catch (e) {
      return fail((e as Error).message);
    }
    values.set(outputTensor.id, output);
    facts.layers.push({ name: layer.name, className, onnxOps: builder.nodes.slice(before).map((n) => n.opType) });
    if (REMOVED_AT_INFERENCE.has(className)) facts.removedLayers.push(layer.name);
  }

  const modelOutput = model.outputs[0]!;
  const last = values.get(modelOutput.id);
  if (!last) throw new Error(`Cannot convert model "${model.name}": its output was not converted.`);
  let outValue = toTfjsOrder(builder, last, "output");
  const outputName = isSoftmaxOutput(modelOutput) ? "probabilities" : "output";
  if (outValue.name === INPUT_NAME || builder.initializers.some((t) => t.name === outValue.name)) {
    outValue = { ...outValue, name: builder.addNode("Identity", [outValue.name], "output/identity") };
  }
  builder.renameTensor(outValue.name, outputName);
  facts.outputName = outputName;
  facts.outputShape = outValue.shape.map((d) => d ?? BATCH_DIM);

  const onnxModel: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: opset }],
    producerName: "onnx-lab-profiler",
    producerVersion: "1",
    graph: {
      name: options.graphName ?? model.name,
      node: builder.nodes,
      initializer: builder.initializers,
      input: [valueInfo(INPUT_NAME, facts.inputShape)],
      output: [valueInfo(outputName, facts.outputShape)],
    },
    metadataProps: options.metadata ? toMetadataProps(options.metadata) : [],
  };
  return { model: onnxModel, facts };
}

/** Graph input for the model's input shape: NHWC images become NCHW; rank-2 vectors stay. */
function graphInput(shape: readonly (number | null)[], layerName: string): { value: OnnxValue; dims: (number | string)[] } {
  const [, h, w, c] = shape;
  if (shape.length === 4 && typeof h === "number" && typeof w === "number" && typeof c === "number") {
    return { value: { name: INPUT_NAME, shape, layout: { kind: "nchw" } }, dims: [BATCH_DIM, c, h, w] };
  }
  if (shape.length === 2 && typeof shape[1] === "number") {
    return { value: { name: INPUT_NAME, shape, layout: { kind: "plain" } }, dims: [BATCH_DIM, shape[1]] };
  }
  throw new Error(
    `Cannot convert layer "${layerName}" (InputLayer): input shape [${shape.map(String).join(", ")}] is not supported ` +
      `(expected NHWC images [batch, height, width, channels] or vectors [batch, features] with known sizes)`,
  );
}

function valueInfo(name: string, dims: readonly (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Refuses the first layer whose class has no converter, before any conversion work. */
function refuseUnsupported(order: readonly TfNode[]): void {
  for (const node of order) {
    const layer = node.outboundLayer;
    const className = layer.getClassName();
    if (className !== "InputLayer" && !LAYER_CONVERTERS[className]) {
      throw new Error(`Cannot convert layer "${layer.name}" (${className}): unsupported layer type. Supported: ${SUPPORTED_LAYERS.join(", ")}`);
    }
  }
}

/** Layer nodes reachable from `outputs`, inputs before consumers. */
function topologicalNodes(outputs: readonly SymbolicTensor[]): TfNode[] {
  const order: TfNode[] = [];
  const seen = new Set<TfNode>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!node || seen.has(node)) return;
    seen.add(node);
    for (const input of node.inputTensors) visit(input);
    order.push(node);
  };
  for (const t of outputs) visit(t);
  return order;
}

/** How many layer inputs (plus model outputs) read each symbolic tensor, by tensor id. */
function countConsumers(order: readonly TfNode[], outputs: readonly SymbolicTensor[]): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (t: SymbolicTensor) => counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
  for (const node of order) node.inputTensors.forEach(add);
  outputs.forEach(add);
  return counts;
}

function isSoftmaxOutput(t: SymbolicTensor): boolean {
  try {
    return activationName(t.sourceLayer.getConfig()) === "softmax";
  } catch {
    return false;
  }
}
