/**
 * A mutable view over an ONNX graph: producer and consumer maps, initializer lookup,
 * constant resolution (dense or splat) and fresh names. The quantizers edit a clone of
 * the caller's model through this view; they never touch the caller's object.
 */
import { decodeOnnx, encodeOnnx, onnx } from "./onnx-io.ts";
import {
  inputAt,
  int64,
  isNormalizedGraph,
  makeAttribute,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from "./onnx-model.ts";
import { attrTensor, type ConstTensor, DT, numel, tensorToFloat32, tensorToInts } from "./tensor-data.ts";

const AT = onnx.AttributeProto.AttributeType;

/** Deep copy of a model (through protobuf), so edits never reach the caller's object; normalised. */
export function cloneModel(model: onnx.IModelProto | OnnxModel): OnnxModel {
  return decodeOnnx(encodeOnnx(model), "model");
}

/** An attribute's int value, or `fallback`. */
export function attrInt(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a === undefined ? fallback : int64(a.i);
}

/** An attribute's ints, or undefined. */
export function attrInts(node: OnnxNode, name: string): number[] | undefined {
  const a = node.attribute.find((x) => x.name === name);
  return a?.ints.map(Number);
}

/** An attribute's float value, or `fallback`. */
export function attrFloat(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a === undefined ? fallback : a.f;
}

/** Builders for attributes (types set so protobuf encodes them right). */
export const attr = {
  int: (name: string, i: number): OnnxAttribute => makeAttribute({ name, i, type: AT.INT }),
  ints: (name: string, ints: number[]): OnnxAttribute => makeAttribute({ name, ints, type: AT.INTS }),
  float: (name: string, f: number): OnnxAttribute => makeAttribute({ name, f, type: AT.FLOAT }),
  tensor: (name: string, t: OnnxTensor): OnnxAttribute => makeAttribute({ name, t, type: AT.TENSOR }),
};

/**
 * Mutable helper around one GraphProto. Rebuild maps with `reindex()` after edits. The
 * graph must be in normalised form (from `cloneModel`/`decodeOnnx`/`asOnnxModel`).
 */
export class GraphView {
  readonly graph: OnnxGraph;
  readonly initializers = new Map<string, OnnxTensor>();
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  readonly graphOutputs = new Set<string>();
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(graph: OnnxGraph | onnx.IGraphProto) {
    if (!isNormalizedGraph(graph)) {
      throw new Error("Internal error: GraphView needs a decoded graph (from cloneModel, decodeOnnx or asOnnxModel), not a plain object.");
    }
    this.graph = graph;
    this.reindex();
  }

  get nodes(): OnnxNode[] {
    return this.graph.node;
  }

  /** Rebuilds producer/consumer/initializer maps from the graph. */
  reindex(): void {
    this.initializers.clear();
    this.producer.clear();
    this.consumers.clear();
    this.graphOutputs.clear();
    for (const t of this.graph.initializer) {
      this.initializers.set(t.name, t);
      this.used.add(t.name);
    }
    for (const v of this.graph.input) this.used.add(v.name);
    for (const v of this.graph.output) this.graphOutputs.add(v.name);
    for (const node of this.nodes) {
      if (node.name) this.used.add(node.name);
      for (const o of node.output) {
        if (o) {
          this.producer.set(o, node);
          this.used.add(o);
        }
      }
      for (const i of node.input) {
        if (!i) continue;
        const list = this.consumers.get(i) ?? [];
        if (!list.includes(node)) list.push(node);
        this.consumers.set(i, list);
        this.used.add(i);
      }
    }
  }

  /** The nodes reading tensor `name` (none when nobody does). */
  consumersOf(name: string): readonly OnnxNode[] {
    return this.consumers.get(name) ?? [];
  }

  /** A name not used by any tensor or node yet, built from `base`. */
  fresh(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Adds an initializer (its name must be fresh). */
  addInitializer(t: OnnxTensor): string {
    this.graph.initializer.push(t);
    this.initializers.set(t.name, t);
    this.used.add(t.name);
    return t.name;
  }

  /** The integer values of a constant tensor (initializer or Constant node), if constant. */
  constInts(name: string): number[] | undefined {
    const init = this.initializers.get(name);
    if (init) return tensorToInts(init);
    const p = this.producer.get(name);
    if (p?.opType === "Constant") {
      const t = attrTensor(p, "value");
      return t ? tensorToInts(t) : undefined;
    }
    return undefined;
  }

  /**
   * Resolves a float constant: an initializer, a `Constant` node, or a `ConstantOfShape`
   * with a constant shape and a float scalar value (a splat). Undefined when not constant.
   */
  constFloat(name: string): ConstTensor | undefined {
    const init = this.initializers.get(name);
    if (init) {
      const data = tensorToFloat32(init);
      return data ? { kind: "dense", dims: init.dims.map(Number), data } : undefined;
    }
    const p = this.producer.get(name);
    if (p?.opType === "Constant") {
      const t = attrTensor(p, "value");
      const data = t ? tensorToFloat32(t) : undefined;
      return t && data ? { kind: "dense", dims: t.dims.map(Number), data } : undefined;
    }
    if (p?.opType === "ConstantOfShape") {
      const shapeName = inputAt(p, 0);
      const dims = this.constInts(shapeName);
      const t = attrTensor(p, "value");
      // no value attribute means float 0
      const values = t ? tensorToFloat32(t) : new Float32Array(1);
      if (!dims || !values || values.length !== 1) return undefined;
      return { kind: "splat", dims, value: values[0] ?? 0, shapeName };
    }
    return undefined;
  }

  /** True when `name` is produced by nothing that depends on graph inputs (a constant). */
  isConst(name: string): boolean {
    return this.constFloat(name) !== undefined || this.constInts(name) !== undefined;
  }

  /** Replaces every use of `from` as a node input by `to` (graph outputs untouched). */
  replaceUses(from: string, to: string, except?: OnnxNode): void {
    for (const node of this.consumersOf(from)) {
      if (node === except) continue;
      node.input = node.input.map((i) => (i === from ? to : i));
    }
  }

  /** Removes nodes and drops initializers nobody uses any more. */
  removeNodes(dead: ReadonlySet<OnnxNode>): void {
    this.graph.node = this.nodes.filter((n) => !dead.has(n));
    this.reindex();
  }

  /** Drops initializers (and ConstantOfShape/Constant nodes) whose outputs nobody uses. */
  pruneUnused(): void {
    for (;;) {
      this.reindex();
      const dead = new Set<OnnxNode>();
      for (const node of this.nodes) {
        if (node.opType !== "Constant" && node.opType !== "ConstantOfShape") continue;
        if (node.output.every((o) => !this.consumers.has(o) && !this.graphOutputs.has(o))) dead.add(node);
      }
      if (dead.size === 0) break;
      this.graph.node = this.nodes.filter((n) => !dead.has(n));
    }
    const inputs = new Set(this.graph.input.map((v) => v.name));
    this.graph.initializer = this.graph.initializer.filter((t) => this.consumers.has(t.name) || this.graphOutputs.has(t.name) || inputs.has(t.name));
    this.reindex();
  }

  /** The ValueInfo of a graph input, if `name` is one. */
  graphInput(name: string): OnnxValueInfo | undefined {
    return this.graph.input.find((v) => v.name === name);
  }
}

/** Element type of every tensor we can infer cheaply (inputs, initializers, op rules). */
export function inferElemTypes(view: GraphView): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of view.graph.input) {
    const t = v.type?.tensorType?.elemType;
    if (t) types.set(v.name, t);
  }
  for (const v of [...view.graph.valueInfo, ...view.graph.output]) {
    const t = v.type?.tensorType?.elemType;
    if (t) types.set(v.name, t);
  }
  for (const t of view.graph.initializer) types.set(t.name, t.dataType);
  const fixed: Record<string, number[]> = {
    Shape: [DT.INT64],
    Size: [DT.INT64],
    NonZero: [DT.INT64],
    ArgMax: [DT.INT64],
    ArgMin: [DT.INT64],
    Equal: [DT.BOOL],
    Less: [DT.BOOL],
    Greater: [DT.BOOL],
    LessOrEqual: [DT.BOOL],
    GreaterOrEqual: [DT.BOOL],
    Not: [DT.BOOL],
    And: [DT.BOOL],
    Or: [DT.BOOL],
    Xor: [DT.BOOL],
    IsNaN: [DT.BOOL],
    IsInf: [DT.BOOL],
    DequantizeLinear: [DT.FLOAT],
    DynamicQuantizeLinear: [DT.UINT8, DT.FLOAT, DT.UINT8],
    MatMulInteger: [DT.INT32],
    ConvInteger: [DT.INT32],
    TopK: [0, DT.INT64],
    Dropout: [0, DT.BOOL],
  };
  for (const node of view.nodes) {
    const outs = node.output;
    let t: number | undefined;
    if (node.opType === "Cast") t = attrInt(node, "to", 0);
    else if (node.opType === "Constant" || node.opType === "ConstantOfShape") t = attrTensor(node, "value")?.dataType ?? DT.FLOAT;
    else if (node.opType === "QuantizeLinear") t = types.get(inputAt(node, 2)) ?? DT.UINT8;
    else t = node.input.map((i) => types.get(i)).find((x) => x !== undefined);
    const rule = fixed[node.opType];
    outs.forEach((o, k) => {
      const r = rule?.[k];
      const out = r === undefined ? (rule ? undefined : t) : r === 0 ? t : r;
      if (o && out !== undefined && !types.has(o)) types.set(o, out);
    });
  }
  return types;
}

/** Total number of elements of a constant's shape. */
export function constNumel(c: ConstTensor): number {
  return numel(c.dims);
}

/** Sorts the graph's nodes topologically (stable: keeps the original order where free). */
export function topoSort(graph: OnnxGraph): void {
  const nodes = graph.node;
  const available = new Set<string>([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name), ""]);
  const producers = new Set<string>();
  for (const n of nodes) for (const o of n.output) producers.add(o);
  const sorted: OnnxNode[] = [];
  let pending = [...nodes];
  while (pending.length > 0) {
    const next: OnnxNode[] = [];
    for (const n of pending) {
      // inputs produced by no node (outer-scope or missing) do not block
      if (n.input.every((i) => available.has(i) || !producers.has(i))) {
        sorted.push(n);
        for (const o of n.output) available.add(o);
      } else next.push(n);
    }
    if (next.length === pending.length) {
      sorted.push(...next); // a cycle: leave the rest as it was, ORT will say what is wrong
      break;
    }
    pending = next;
  }
  graph.node = sorted;
}
