/**
 * Static shape inference through an ONNX graph for given input shapes: every tensor's
 * concrete dims (and the values of small integer "shape" tensors, so Shape → Gather →
 * Concat → Reshape chains of foreign exporters resolve). Pure: no ONNX Runtime.
 * An op it does not model leaves its outputs unknown (from the graph's value_info when
 * that is static); {@link ShapeMap.unknown} names them.
 */
import { asOnnxModel, onnx } from "../../formats/onnx/onnx-io.ts";
import { int64, type OnnxModel, type OnnxNode, type OnnxValueInfo } from "../../formats/onnx/onnx-model.ts";
import { attrInt, attrInts, GraphView } from "../../formats/onnx/graph-view.ts";
import { attrTensor, tensorToInts } from "../../formats/onnx/tensor-data.ts";

/** Concrete dims of one tensor. */
export type Dims = readonly number[];

/** What shape inference found. */
export interface ShapeMap {
  /** Dims of every tensor it could infer (inputs, initializers, node outputs). */
  readonly dims: ReadonlyMap<string, Dims>;
  /** Values of small integer tensors (shapes, axes), when known. */
  readonly values: ReadonlyMap<string, readonly number[]>;
  /** Op types whose outputs could not be inferred, in first-seen order. */
  readonly unknown: readonly string[];
}

const UNARY = new Set([
  "Relu",
  "Sigmoid",
  "Tanh",
  "LeakyRelu",
  "Clip",
  "Elu",
  "Selu",
  "HardSigmoid",
  "HardSwish",
  "Softplus",
  "Softsign",
  "Exp",
  "Log",
  "Sqrt",
  "Neg",
  "Abs",
  "Erf",
  "Reciprocal",
  "Floor",
  "Ceil",
  "Round",
  "Sign",
  "Identity",
  "Dropout",
  "Cast",
  "QuantizeLinear",
  "DequantizeLinear",
  "LRN",
  "BatchNormalization",
  "InstanceNormalization",
  "LayerNormalization",
  "Softmax",
  "LogSoftmax",
  "Not",
  "IsNaN",
  "IsInf",
  "Gelu",
  "Mish",
  "Celu",
  "ThresholdedRelu",
  "Sin",
  "Cos",
  "PRelu",
  "Hardmax",
  "CastLike",
]);
const BROADCAST = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Pow",
  "Max",
  "Min",
  "Sum",
  "Mean",
  "Equal",
  "Less",
  "Greater",
  "LessOrEqual",
  "GreaterOrEqual",
  "Where",
  "And",
  "Or",
  "Xor",
  "Mod",
  "BitShift",
]);

function attrString(node: OnnxNode, name: string): string | undefined {
  const a = node.attribute.find((x) => x.name === name);
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : undefined;
}

/** Numpy broadcasting of several shapes; throws naming the shapes when they do not broadcast. */
export function broadcast(shapes: readonly Dims[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Error(`Shapes ${shapes.map((x) => `[${x.join(",")}]`).join(" and ")} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Output spatial size of a sliding window (Conv, pools), ONNX rules incl. auto_pad and ceil_mode. */
export function windowOut(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  autoPad: string,
  ceil: boolean,
): number {
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") return Math.ceil(input / stride);
  const span = dilation * (kernel - 1) + 1;
  if (autoPad === "VALID") return Math.floor((input - span) / stride) + 1;
  const raw = (input + padBegin + padEnd - span) / stride;
  if (!ceil) return Math.floor(raw) + 1;
  let out = Math.ceil(raw) + 1;
  // the last window must start inside the input or its leading padding (as ORT and PyTorch)
  if ((out - 1) * stride >= input + padBegin) out--;
  return out;
}

/** Spatial output dims of a windowed op on NC<spatial> input `x` with kernel `kernel`. */
function windowDims(node: OnnxNode, x: Dims, kernel: readonly number[], ceil: boolean): number[] {
  const spatial = x.slice(2);
  const n = spatial.length;
  const strides = attrInts(node, "strides") ?? new Array<number>(n).fill(1);
  const dilations = attrInts(node, "dilations") ?? new Array<number>(n).fill(1);
  const pads = attrInts(node, "pads") ?? new Array<number>(2 * n).fill(0);
  const autoPad = attrString(node, "auto_pad") ?? "NOTSET";
  return spatial.map((d, i) => windowOut(d, kernel[i] ?? 1, strides[i] ?? 1, dilations[i] ?? 1, pads[i] ?? 0, pads[i + n] ?? 0, autoPad, ceil));
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Infers every tensor's dims in `model` given the concrete shape of each real input.
 * Inputs not in `inputShapes` take their static dims from the graph when they have them.
 */
export function inferShapes(loose: onnx.IModelProto | OnnxModel, inputShapes: Readonly<Record<string, Dims>>): ShapeMap {
  const model = asOnnxModel(loose);
  const view = new GraphView(model.graph);
  const dims = new Map<string, Dims>();
  const values = new Map<string, readonly number[]>();
  const unknown: string[] = [];
  const staticDims = (v: OnnxValueInfo): number[] | undefined => {
    const ds = v.type?.tensorType?.shape?.dim;
    if (!ds) return undefined;
    const out = ds.map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : NaN));
    return out.every(Number.isFinite) ? out : undefined;
  };
  for (const t of view.graph.initializer) {
    dims.set(t.name, t.dims.map(Number));
    const ints = tensorToInts(t);
    if (ints && ints.length <= 64) values.set(t.name, ints);
  }
  for (const v of view.graph.input) {
    const name = v.name;
    const given = inputShapes[name];
    if (given) dims.set(name, given);
    else if (!dims.has(name)) {
      const s = staticDims(v);
      if (s) dims.set(name, s);
    }
  }
  const declared = new Map<string, number[]>();
  for (const v of [...view.graph.valueInfo, ...view.graph.output]) {
    const s = staticDims(v);
    if (s) declared.set(v.name, s);
  }
  const opsetEntry = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  const opset = opsetEntry ? int64(opsetEntry.version) : 13;

  for (const node of view.nodes) {
    const ins = node.input;
    const outs = node.output;
    const d = (k: number): Dims | undefined => (ins[k] ? dims.get(ins[k]) : undefined);
    const v = (k: number): readonly number[] | undefined => (ins[k] ? values.get(ins[k]) : undefined);
    const set = (k: number, shape: Dims, value?: readonly number[]) => {
      const o = outs[k];
      if (!o) return;
      dims.set(o, shape);
      if (value) values.set(o, value);
    };
    try {
      const result = inferNode(node, d, v, opset);
      if (result) {
        result.forEach((r, k) => r && set(k, r.dims, r.value));
        continue;
      }
    } catch {
      // fall through: the op's inputs are inconsistent or unknown; use declared shapes if any
    }
    let all = true;
    outs.forEach((o, k) => {
      const s = declared.get(o);
      if (s) set(k, s);
      else if (o) all = false;
    });
    if (!all && !unknown.includes(node.opType)) unknown.push(node.opType);
  }
  return { dims, values, unknown };
}

type Out = { dims: Dims; value?: readonly number[] } | undefined;

/** One node's output shapes, or undefined when the op or its inputs are not known. */
function inferNode(node: OnnxNode, d: (k: number) => Dims | undefined, v: (k: number) => readonly number[] | undefined, opset: number): Out[] | undefined {
  const op = node.opType;
  const x = d(0);
  if (op === "Constant") {
    const t = attrTensor(node, "value");
    if (!t) return undefined;
    const ints = tensorToInts(t);
    return [{ dims: t.dims.map(Number), ...(ints && ints.length <= 64 ? { value: ints } : {}) }];
  }
  if (op === "ConstantOfShape") {
    const shape = v(0);
    return shape ? [{ dims: shape }] : undefined;
  }
  if (!x) return undefined;
  if (UNARY.has(op)) return [{ dims: x, ...(op === "Cast" || op === "Identity" ? { value: v(0) } : {}) } as Out];
  if (op === "DynamicQuantizeLinear") return [{ dims: x }, { dims: [] }, { dims: [] }];
  if (BROADCAST.has(op)) {
    const shapes: Dims[] = [];
    for (let k = 0; k < node.input.length; k++) {
      const s = d(k);
      if (!s) return undefined;
      shapes.push(s);
    }
    const out = broadcast(shapes);
    const a = v(0);
    const b = v(1);
    let value: number[] | undefined;
    if (a && b && shapes.length === 2 && (op === "Add" || op === "Sub" || op === "Mul" || op === "Div")) {
      const n = Math.max(a.length, b.length);
      value = Array.from({ length: n }, (_, i) => {
        const p = a[a.length === 1 ? 0 : i] ?? 0;
        const q = b[b.length === 1 ? 0 : i] ?? 1;
        return op === "Add" ? p + q : op === "Sub" ? p - q : op === "Mul" ? p * q : Math.trunc(p / q);
      });
    }
    return [{ dims: out, ...(value ? { value } : {}) }];
  }
  switch (op) {
    case "Conv":
    case "ConvInteger":
    case "QLinearConv": {
      const w = op === "QLinearConv" ? d(3) : d(1);
      const input = op === "QLinearConv" ? d(0) : x;
      if (!w || !input) return undefined;
      const kernel = attrInts(node, "kernel_shape") ?? w.slice(2);
      return [{ dims: [input[0] ?? 1, w[0] ?? 1, ...windowDims(node, input, kernel, false)] }];
    }
    case "ConvTranspose": {
      const w = d(1);
      if (!w) return undefined;
      const group = attrInt(node, "group", 1);
      const n = x.length - 2;
      const kernel = attrInts(node, "kernel_shape") ?? w.slice(2);
      const strides = attrInts(node, "strides") ?? new Array<number>(n).fill(1);
      const pads = attrInts(node, "pads") ?? new Array<number>(2 * n).fill(0);
      const outPad = attrInts(node, "output_padding") ?? new Array<number>(n).fill(0);
      const dil = attrInts(node, "dilations") ?? new Array<number>(n).fill(1);
      const given = attrInts(node, "output_shape");
      const spatial =
        given ??
        x
          .slice(2)
          .map((s, i) => (strides[i] ?? 1) * (s - 1) + (outPad[i] ?? 0) + ((kernel[i] ?? 1) - 1) * (dil[i] ?? 1) + 1 - (pads[i] ?? 0) - (pads[i + n] ?? 0));
      return [{ dims: [x[0] ?? 1, (w[1] ?? 1) * group, ...spatial] }];
    }
    case "MaxPool":
    case "AveragePool":
    case "LpPool": {
      const kernel = attrInts(node, "kernel_shape") ?? [];
      const out = { dims: [x[0] ?? 1, x[1] ?? 1, ...windowDims(node, x, kernel, attrInt(node, "ceil_mode", 0) === 1)] };
      return node.output.length === 2 ? [out, out] : [out];
    }
    case "GlobalAveragePool":
    case "GlobalMaxPool":
    case "GlobalLpPool":
      return [{ dims: [x[0] ?? 1, x[1] ?? 1, ...x.slice(2).map(() => 1)] }];
    case "MatMul":
    case "MatMulInteger":
    case "QLinearMatMul": {
      const a = x;
      const b = op === "QLinearMatMul" ? d(3) : d(1);
      if (!b) return undefined;
      const a2 = a.length === 1 ? [1, a[0] ?? 1] : a;
      const b2 = b.length === 1 ? [b[0] ?? 1, 1] : b;
      const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
      const out = [...batch, a2[a2.length - 2] ?? 1, b2[b2.length - 1] ?? 1];
      if (a.length === 1) out.splice(out.length - 2, 1);
      if (b.length === 1) out.splice(out.length - 1, 1);
      return [{ dims: out }];
    }
    case "Gemm": {
      const b = d(1);
      if (!b) return undefined;
      const m = attrInt(node, "transA", 0) ? x[1] : x[0];
      const n = attrInt(node, "transB", 0) ? b[0] : b[1];
      return [{ dims: [m ?? 1, n ?? 1] }];
    }
    case "Flatten": {
      const axis = normAxis(attrInt(node, "axis", 1), x.length);
      const prod = (s: Dims) => s.reduce((p, q) => p * q, 1);
      return [{ dims: [prod(x.slice(0, axis)), prod(x.slice(axis))] }];
    }
    case "Reshape": {
      const shape = v(1);
      if (!shape) return undefined;
      const allowZero = attrInt(node, "allowzero", 0) === 1;
      const out = shape.map((s, i) => (s === 0 && !allowZero ? (x[i] ?? 1) : s));
      const total = x.reduce((p, q) => p * q, 1);
      const known = out.filter((s) => s !== -1).reduce((p, q) => p * q, 1);
      return [{ dims: out.map((s) => (s === -1 ? total / known : s)) }];
    }
    case "Transpose": {
      const perm = attrInts(node, "perm") ?? x.map((_, i) => x.length - 1 - i);
      return [{ dims: perm.map((p) => x[p] ?? 1) }];
    }
    case "Squeeze": {
      const axes = (attrInts(node, "axes") ?? v(1))?.map((a) => normAxis(a, x.length));
      return [{ dims: x.filter((s, i) => (axes ? !axes.includes(i) : s !== 1)), value: v(0) }];
    }
    case "Unsqueeze": {
      const raw = attrInts(node, "axes") ?? v(1);
      if (!raw) return undefined;
      const rank = x.length + raw.length;
      const axes = raw.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
      const out = [...x];
      for (const a of axes) out.splice(a, 0, 1);
      const val = v(0);
      return [{ dims: out, ...(val ? { value: val } : {}) }];
    }
    case "Concat": {
      const axis = normAxis(attrInt(node, "axis", 0), x.length);
      const shapes: Dims[] = [];
      for (let k = 0; k < node.input.length; k++) {
        const s = d(k);
        if (!s) return undefined;
        shapes.push(s);
      }
      const out = [...x];
      out[axis] = shapes.reduce((a, s) => a + (s[axis] ?? 0), 0);
      const vals = shapes.map((_, k) => v(k));
      const value = x.length === 1 && vals.every((q) => q !== undefined) ? vals.flatMap((q) => [...(q ?? [])]) : undefined;
      return [{ dims: out, ...(value ? { value } : {}) }];
    }
    case "Shape": {
      const start = normAxis(attrInt(node, "start", 0), x.length);
      const endAttr = node.attribute.some((a) => a.name === "end") ? attrInt(node, "end", x.length) : x.length;
      const value = x.slice(start, normAxis(endAttr, x.length));
      return [{ dims: [value.length], value }];
    }
    case "Size":
      return [{ dims: [], value: [x.reduce((p, q) => p * q, 1)] }];
    case "Gather": {
      const idx = d(1);
      if (!idx) return undefined;
      const axis = normAxis(attrInt(node, "axis", 0), x.length);
      const out = [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
      const data = v(0);
      const at = v(1);
      const value = data && at && x.length === 1 ? at.map((i) => data[i < 0 ? i + data.length : i] ?? 0) : undefined;
      return [{ dims: out, ...(value ? { value } : {}) }];
    }
    case "Slice": {
      const starts = attrInts(node, "starts") ?? v(1);
      const ends = attrInts(node, "ends") ?? v(2);
      if (!starts || !ends) return undefined;
      const axes = (attrInts(node, "axes") ?? v(3) ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.length));
      const steps = v(4) ?? starts.map(() => 1);
      const out = [...x];
      axes.forEach((a, i) => {
        const size = x[a] ?? 1;
        const step = steps[i] ?? 1;
        const clamp = (q: number) => Math.max(step < 0 ? -1 : 0, Math.min(step < 0 ? size - 1 : size, q < 0 ? q + size : q));
        const s = clamp(starts[i] ?? 0);
        const e = clamp(ends[i] ?? size);
        out[a] = Math.max(0, Math.ceil((e - s) / step));
      });
      const data = v(0);
      const value = data && x.length === 1 && (steps[0] ?? 1) === 1 ? sliceValues(data, starts[0] ?? 0, ends[0] ?? data.length) : undefined;
      return [{ dims: out, ...(value ? { value } : {}) }];
    }
    case "Pad": {
      const pads = attrInts(node, "pads") ?? v(1);
      if (!pads) return undefined;
      const n = x.length;
      return [{ dims: x.map((s, i) => s + (pads[i] ?? 0) + (pads[i + n] ?? 0)) }];
    }
    case "ReduceMean":
    case "ReduceSum":
    case "ReduceMax":
    case "ReduceMin":
    case "ReduceProd":
    case "ReduceL2":
    case "ArgMax":
    case "ArgMin": {
      const keep = attrInt(node, "keepdims", 1) === 1;
      const arg = op.startsWith("Arg");
      const fromInput = op === "ReduceSum" ? opset >= 13 : opset >= 18;
      const raw = arg ? [attrInt(node, "axis", 0)] : (attrInts(node, "axes") ?? (fromInput ? v(1) : undefined));
      const axes = (raw ?? x.map((_, i) => i)).map((a) => normAxis(a, x.length));
      const out = keep ? x.map((s, i) => (axes.includes(i) ? 1 : s)) : x.filter((_, i) => !axes.includes(i));
      return [{ dims: out }];
    }
    case "Expand": {
      const shape = v(1);
      return shape ? [{ dims: broadcast([x, shape]) }] : undefined;
    }
    case "Split": {
      const axis = normAxis(attrInt(node, "axis", 0), x.length);
      const parts = node.output.length ?? 1;
      const split = attrInts(node, "split") ?? v(1) ?? new Array<number>(parts).fill((x[axis] ?? 0) / parts);
      return split.map((s) => {
        const out = [...x];
        out[axis] = s;
        return { dims: out };
      });
    }
    case "Resize":
    case "Upsample": {
      // only explicit integer sizes are modelled (float scales are not kept as values)
      const sizes = v(3);
      return sizes && sizes.length === x.length ? [{ dims: sizes }] : undefined;
    }
    default:
      return undefined;
  }
}

function sliceValues(data: readonly number[], start: number, end: number): number[] {
  const n = data.length;
  const s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
  const e = Math.max(0, Math.min(n, end < 0 ? end + n : end));
  return data.slice(s, e);
}
