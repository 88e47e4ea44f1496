/**
 * The normalised ONNX types: what a decoded model looks like, so that code reading a graph
 * writes `node.input`, not `node.input ?? []`.
 *
 * protobufjs types every field of a message's properties as optional, but a *decoded*
 * message (a class instance from `decode`) always has every scalar (its default sits on
 * the class prototype) and every repeated field (the constructor gives each instance its
 * own empty array); only singular sub-messages (`graph`, `type`, `t`…) and oneof members
 * (`dimValue`/`dimParam`) may be absent. {@link Normalized} states exactly that, so the
 * normalising step is decoding itself: `decodeOnnx`, `readOnnx`, `cloneModel` and
 * `asOnnxModel` (which decodes a copy of any hand-built model) return these types, and
 * nodes, attributes and tensors built by our code come from the builders here (class
 * instances too). Encoding is unchanged: protobufjs writes a scalar only when it is an own
 * property and a repeated field only when non-empty, so an instance from a builder encodes
 * to the same bytes as the plain object it was built from, and a decoded model re-encodes
 * to its own bytes.
 *
 * Two caveats. Never mutate a prototype default in place: assign a new value (the arrays
 * are own, so `push` on them is fine). And a singular int64 field left unset (`i`,
 * `irVersion`, `modelVersion`, an opset's `version`) reads as protobufjs's prototype
 * default, a long.js `Long` zero, whatever its generated type says; read such fields with
 * {@link int64}. (Repeated int64 fields such as `dims`, and every int64 that is present in
 * the bytes, decode as plain numbers: see `decodeOnnx`.)
 */
import $protobuf from "protobufjs/minimal.js";
import { onnx } from "./generated/onnx-pb.js";

type Scalar = string | number | boolean | Uint8Array;
type Field<V> = V extends Scalar ? V : V extends readonly (infer E)[] ? (E extends Scalar ? E[] : Normalized<E>[]) : Normalized<V> | null | undefined;
/** Oneof members: null on the prototype when the other member is set. */
type OneofKey = "dimValue" | "dimParam";

/**
 * A decoded message: scalars and repeated fields always present (repeated sub-messages
 * normalised too), singular sub-messages possibly null or undefined.
 */
export type Normalized<T> = {
  -readonly [K in keyof T as K extends "$unknowns" ? never : K]-?: K extends OneofKey ? NonNullable<T[K]> | null : Field<NonNullable<T[K]>>;
};

/** A decoded model: `decodeOnnx` refuses a model without a graph, so `graph` is always there. */
export type OnnxModel = Omit<Normalized<onnx.ModelProto.$Properties>, "graph"> & { graph: OnnxGraph };
export type OnnxGraph = Normalized<onnx.GraphProto.$Properties>;
export type OnnxNode = Normalized<onnx.NodeProto.$Properties>;
export type OnnxAttribute = Normalized<onnx.AttributeProto.$Properties>;
export type OnnxTensor = Normalized<onnx.TensorProto.$Properties>;
export type OnnxValueInfo = Normalized<onnx.ValueInfoProto.$Properties>;
export type OnnxTypeProto = Normalized<onnx.TypeProto.$Properties>;
export type OnnxDimension = Normalized<onnx.TensorShapeProto.Dimension.$Properties>;
export type OnnxOpset = Normalized<onnx.OperatorSetIdProto.$Properties>;
export type OnnxEntry = Normalized<onnx.StringStringEntryProto.$Properties>;

/** A long.js Long (what protobufjs uses for int64 when long.js is installed). */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

/**
 * An int64 field as a number: protobufjs gives a `Long` for an unset singular int64 (its
 * prototype default) and for int64 read by a reader left as configured; null/undefined is 0.
 * The one place int64 values are converted (exact below 2^53, like protobufjs's own).
 */
export function int64(value: number | LongLike | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number") return value;
  return new $protobuf.util.LongBits(value.low >>> 0, value.high >>> 0).toNumber(value.unsigned);
}

/** The `k`-th input name of a node, "" when absent (ONNX's "optional input left out"). */
export function inputAt(node: OnnxNode, k: number): string {
  return node.input[k] ?? "";
}

/** The `k`-th output name of a node, "" when absent. */
export function outputAt(node: OnnxNode, k: number): string {
  return node.output[k] ?? "";
}

/** What a new node is built from (the fields our passes set). */
export interface NodeSpec {
  opType: string;
  input: readonly string[];
  output: readonly string[];
  name?: string;
  domain?: string;
  attribute?: readonly OnnxAttribute[];
}

/**
 * A new node (a NodeProto instance, so it reads like a decoded one). Only the fields given
 * become own properties: it encodes exactly as the plain object `spec` would.
 */
export function makeNode(spec: NodeSpec): OnnxNode {
  const props: onnx.NodeProto.$Properties = { opType: spec.opType, input: [...spec.input], output: [...spec.output] };
  if (spec.name !== undefined) props.name = spec.name;
  if (spec.domain !== undefined) props.domain = spec.domain;
  if (spec.attribute !== undefined) props.attribute = [...spec.attribute] as onnx.AttributeProto.$Properties[];
  return onnx.NodeProto.create(props) as unknown as OnnxNode;
}

/** A new attribute (an AttributeProto instance); give `type` so protobuf encodes it right. */
export function makeAttribute(props: onnx.AttributeProto.$Properties): OnnxAttribute {
  return onnx.AttributeProto.create(props) as unknown as OnnxAttribute;
}

/**
 * A new value info (a decoded copy of `props`, so its nested type and shape are normalised
 * too; it encodes to the same bytes as `props`).
 */
export function makeValueInfo(props: onnx.ValueInfoProto.$Properties): OnnxValueInfo {
  const bytes = onnx.ValueInfoProto.encode(props).finish();
  return onnx.ValueInfoProto.decode(numberReader(bytes)) as unknown as OnnxValueInfo;
}

/** The reader methods protobufjs decodes 64-bit integer fields with. */
const INT64_READS = ["int64", "uint64", "sint64", "fixed64", "sfixed64"] as const;

/**
 * A reader over `bytes` whose 64-bit reads return plain numbers (every int64 in the models we
 * handle — dims, int64 data, attribute ints, versions — fits in 2^53), not long.js `Long`s.
 * The methods are own properties of this one reader: protobufjs's global `util.Long` and
 * `Reader.prototype` stay as they are (nothing is configured on import or on decode).
 */
export function numberReader(bytes: Uint8Array): $protobuf.Reader {
  const reader = $protobuf.Reader.create(bytes);
  for (const name of INT64_READS) {
    const read = reader[name];
    Object.defineProperty(reader, name, { value: () => int64(read.call(reader)), configurable: true, writable: true });
  }
  return reader;
}

/** A new tensor (a TensorProto instance). */
export function makeTensor(props: onnx.TensorProto.$Properties): OnnxTensor {
  return onnx.TensorProto.create(props) as unknown as OnnxTensor;
}

/**
 * True when `model` is already in normalised form: a decoded (or builder-made) instance all
 * the way down to its graph's nodes, attributes, initializers and value infos.
 */
export function isNormalized(model: onnx.ModelProto.$Properties | OnnxModel): model is OnnxModel {
  return model instanceof onnx.ModelProto && !!model.graph && isNormalizedGraph(model.graph);
}

/** True when `g` is in normalised form (see {@link isNormalized}). */
export function isNormalizedGraph(g: onnx.GraphProto.$Properties | OnnxGraph): g is OnnxGraph {
  if (!(g instanceof onnx.GraphProto)) return false;
  for (const t of g.initializer) if (!(t instanceof onnx.TensorProto)) return false;
  for (const v of [...g.input, ...g.output, ...g.valueInfo]) if (!(v instanceof onnx.ValueInfoProto)) return false;
  for (const n of g.node) {
    if (!(n instanceof onnx.NodeProto)) return false;
    for (const a of n.attribute) {
      if (!(a instanceof onnx.AttributeProto)) return false;
      if (a.t && !(a.t instanceof onnx.TensorProto)) return false;
      if (a.g && !isNormalizedGraph(a.g)) return false;
      for (const sub of a.graphs) if (!isNormalizedGraph(sub)) return false;
    }
  }
  return true;
}
