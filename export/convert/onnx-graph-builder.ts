/**
 * Accumulates the nodes and initializers of an ONNX graph while the converter walks a
 * tfjs model: unique names, typed attributes and little-endian raw tensor data.
 */
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { makeAttribute, makeNode, makeTensor, type OnnxAttribute, type OnnxNode, type OnnxTensor } from "../../formats/onnx/onnx-model.ts";

/** An attribute value: integers and floats are told apart explicitly (ONNX types them). */
export type AttributeValue = { int: number } | { float: number } | { ints: readonly number[] } | { floats: readonly number[] } | { string: string };

/** The nodes and initializers of one graph under construction. */
export class OnnxGraphBuilder {
  /** Nodes in topological order (the order they were added). */
  readonly nodes: OnnxNode[] = [];
  /** Constant tensors (weights, shapes, clip bounds). */
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** Reserves `base` (or `base_1`, `base_2`, ...) as a graph-unique name and returns it. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a float32 initializer with `dims`; returns its (unique) name. */
  addFloatInitializer(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.uniqueName(base);
    this.initializers.push(makeTensor({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: floatBytes(data) }));
    return name;
  }

  /** Adds an int64 initializer (shapes, pads); returns its name. */
  addInt64Initializer(base: string, dims: readonly number[], values: readonly number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push(makeTensor({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] }));
    return name;
  }

  /** Replaces the data of float initializer `name` (used when folding BatchNormalization). */
  replaceFloatInitializer(name: string, data: Float32Array): void {
    const tensor = this.initializers.find((t) => t.name === name);
    if (!tensor) throw new Error(`Internal converter error: no initializer "${name}".`);
    tensor.rawData = floatBytes(data);
  }

  /**
   * Appends a node named `name` (made unique) whose single output is a fresh tensor named
   * after the node; returns the output tensor's name.
   */
  addNode(opType: string, inputs: readonly string[], name: string, attributes: Record<string, AttributeValue> = {}): string {
    const nodeName = this.uniqueName(name);
    const output = nodeName === name ? this.uniqueName(`${name}:0`) : this.uniqueName(`${nodeName}:0`);
    this.nodes.push(
      makeNode({
        name: nodeName,
        opType,
        input: inputs,
        output: [output],
        attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
      }),
    );
    return output;
  }

  /** The node producing tensor `output`, if any. */
  producerOf(output: string): OnnxNode | undefined {
    return this.nodes.find((n) => n.output.includes(output));
  }

  /** Renames tensor `from` to `to` everywhere (node inputs and outputs). */
  renameTensor(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input.map((n) => (n === from ? to : n));
      node.output = node.output.map((n) => (n === from ? to : n));
    }
    this.names.add(to);
  }
}

function toAttribute(name: string, value: AttributeValue): OnnxAttribute {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in value) return makeAttribute({ name, type: T.INT, i: value.int });
  if ("float" in value) return makeAttribute({ name, type: T.FLOAT, f: value.float });
  if ("ints" in value) return makeAttribute({ name, type: T.INTS, ints: [...value.ints] });
  if ("floats" in value) return makeAttribute({ name, type: T.FLOATS, floats: [...value.floats] });
  return makeAttribute({ name, type: T.STRING, s: new TextEncoder().encode(value.string) });
}

/** Float32 values as little-endian bytes (a copy). */
export function floatBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}
