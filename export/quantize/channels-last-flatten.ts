/**
 * ORT's CPU EP runs a quantized Conv in NHWC (QLinearConv, channels_last) and its 8-bit
 * MaxPool after it as NhwcMaxPool, then puts a Transpose back to NCHW before a Flatten, which
 * reads (channel, row, column) order. Flattening in NHWC order instead, as an explicit
 * Transpose(0,2,3,1) before the Flatten (ORT cancels it against its own) with the consumer's
 * weight rows permuted from (c, h, w) to (h, w, c) order, gives the same product without the
 * Transpose: exact, a permutation of the summed index on both sides of the dot product.
 * Measured on LeNet at batch 32 (CPU EP, this machine): its Transpose took 30–50 µs of ~720 µs.
 */
import { attr, attrInt, type GraphView } from "../../formats/onnx/graph-view.ts";
import { inputAt, makeNode, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { float32Of, floatTensor } from "../../formats/onnx/tensor-data.ts";

/** The nodes a rewrite may pass through between the quantized Conv and the Flatten: 8-bit data movement that keeps the layout. */
const LAYOUT_KEEPING = new Set(["MaxPool", "Relu", "Clip"]);

/** (c, h, w) → (h, w, c): row `k' = (h·W + w)·C + c` of the result is row `k = (c·H + h)·W + w` of `rows`. */
export function permuteRowsToChannelsLast(rows: Float32Array, dims: readonly [number, number, number], columns: number): Float32Array {
  const [C, H, W] = dims;
  const out = new Float32Array(rows.length);
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) {
        const from = ((c * H + h) * W + w) * columns;
        out.set(rows.subarray(from, from + columns), ((h * W + w) * C + c) * columns);
      }
  return out;
}

/** Same permutation on the columns of a [N, C·H·W] matrix (Gemm with transB = 1). */
function permuteColumnsToChannelsLast(m: Float32Array, dims: readonly [number, number, number], n: number): Float32Array {
  const k = m.length / n;
  const out = new Float32Array(m.length);
  const index = permuteRowsToChannelsLast(
    Float32Array.from({ length: k }, (_, i) => i),
    dims,
    1,
  );
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) out[r * k + j] = m[r * k + (index[j] ?? 0)] ?? 0;
  return out;
}

/** What the caller knows about the graph being quantized. */
export interface FlattenContext {
  readonly view: GraphView;
  /** Is this node to be quantized? */
  readonly quantized: (n: OnnxNode) => boolean;
  /** Per-sample dims of a tensor (batch axis dropped), when known. */
  readonly dimsOf: (tensor: string) => readonly number[] | undefined;
}

function reachesQuantizedConv(ctx: FlattenContext, tensor: string): boolean {
  for (let p = ctx.view.producer.get(tensor); p && ctx.quantized(p); p = ctx.view.producer.get(inputAt(p, 0))) {
    if (p.opType === "Conv") return true;
    if (!LAYOUT_KEEPING.has(p.opType)) return false;
  }
  return false;
}

/**
 * Rewrites `flatten` (axis 1, on a [N, C, H, W] tensor with H·W > 1, produced by a quantized
 * Conv through 8-bit MaxPool/Relu, read only by a Gemm (transA 0) or MatMul whose constant
 * weight nobody else reads) to flatten in NHWC order. Returns the Transpose it added, else
 * undefined (the graph is unchanged).
 */
export function flattenChannelsLast(ctx: FlattenContext, flatten: OnnxNode): OnnxNode | undefined {
  const { view } = ctx;
  const x = inputAt(flatten, 0);
  const dims = ctx.dimsOf(x);
  const users = view.consumersOf(outputAt(flatten, 0));
  const user = users[0];
  if (flatten.opType !== "Flatten" || attrInt(flatten, "axis", 1) !== 1 || dims?.length !== 3 || users.length !== 1 || !user) return undefined;
  const [C = 0, H = 0, W = 0] = dims;
  if (H * W <= 1 || !ctx.quantized(user) || !reachesQuantizedConv(ctx, x)) return undefined;
  const isGemm = user.opType === "Gemm" && attrInt(user, "transA", 0) === 0;
  if (!isGemm && user.opType !== "MatMul") return undefined;
  const wName = inputAt(user, 1);
  const w = view.initializers.get(wName);
  const wc = view.constFloat(wName);
  if (!w || wc?.kind !== "dense" || wc.dims.length !== 2 || view.consumersOf(wName).length !== 1) return undefined;
  const transB = isGemm && attrInt(user, "transB", 0) === 1;
  const [rows = 0, cols = 0] = wc.dims;
  if ((transB ? cols : rows) !== C * H * W) return undefined;
  const data = transB ? permuteColumnsToChannelsLast(float32Of(wc), [C, H, W], rows) : permuteRowsToChannelsLast(float32Of(wc), [C, H, W], cols);
  view.graph.initializer[view.graph.initializer.indexOf(w)] = floatTensor(wName, wc.dims, data);
  const nhwc = view.fresh(`${x}_nhwc`);
  const transpose = makeNode({
    opType: "Transpose",
    name: view.fresh(`${flatten.name || x}_channels_last`),
    input: [x],
    output: [nhwc],
    attribute: [attr.ints("perm", [0, 2, 3, 1])],
  });
  flatten.input = [nhwc, ...flatten.input.slice(1)];
  view.nodes.splice(view.nodes.indexOf(flatten), 0, transpose);
  view.reindex();
  return transpose;
}
