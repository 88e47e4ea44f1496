/**
 * The small ONNX models that measure an EP's ceilings, built in code with the project's
 * protobuf writer: a large FP32 MatMul (compute), the same product as QLinearMatMul and as
 * MatMulInteger (uint8 × int8, what ORT's INT8 kernels run), and a large elementwise
 * multiply followed by a sum (memory bandwidth). Each comes with the work of one run.
 */
import type { onnx } from "../../formats/onnx/onnx-io.ts";
import { floatTensor, int8Tensor } from "../../formats/onnx/tensor-data.ts";
import { seededRandom } from "../../measure/index.ts";
import type { CeilingKind } from "../../formats/run/ceiling-cache.ts";

/** A ceiling model with its work per run. */
export interface CeilingModel {
  readonly kind: CeilingKind;
  readonly model: onnx.IModelProto;
  /** The input (name, dims, ONNX elem type) the child feeds. */
  readonly input: { readonly name: string; readonly shape: readonly number[]; readonly elemType: number };
  /** Arithmetic per run: FLOPs (FP32) or integer ops (INT8), 1 MAC = 2 ops; 0 for bandwidth. */
  readonly ops: number;
  /** Bytes one run must move through memory (bandwidth kind: read X, write and read the product). */
  readonly bytes: number;
  /** What the model is, for reports. */
  readonly description: string;
  /** The problem size of a ladder rung (MatMul side, Conv c²·hw², float elements); absent on fixed-size models. */
  readonly size?: number;
}

const UINT8 = 2;
const FLOAT = 1;

function vi(name: string, elemType: number, dims: readonly number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

function wrap(name: string, graph: onnx.IGraphProto, opset = 13): onnx.IModelProto {
  return { irVersion: 8, producerName: "profile/ceilings", opsetImport: [{ domain: "", version: opset }], graph: { name, ...graph } };
}

function randomFloats(n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

function randomInt8(n: number, seed: number): Int8Array {
  const rand = seededRandom(seed);
  return Int8Array.from({ length: n }, () => Math.floor(rand() * 255) - 127);
}

/** `[n, n] × [n, n]` FP32 MatMul with a constant right-hand side: 2n³ FLOPs per run. */
export function fp32MatMul(n: number): CeilingModel {
  return {
    kind: "fp32-matmul",
    model: wrap("fp32-matmul", {
      input: [vi("a", FLOAT, [n, n])],
      output: [vi("y", FLOAT, [n, n])],
      initializer: [floatTensor("b", [n, n], randomFloats(n * n, 1))],
      node: [{ opType: "MatMul", input: ["a", "b"], output: ["y"] }],
    }),
    input: { name: "a", shape: [n, n], elemType: FLOAT },
    ops: 2 * n ** 3,
    bytes: 3 * n * n * 4,
    description: `MatMul [${n}×${n}] × [${n}×${n}] float32`,
  };
}

/**
 * A 3×3 Conv, `c` → `c` channels on `[1, c, hw, hw]` with padding 1, float32: 2·c²·9·hw²
 * FLOPs per run. On the CPU EP ORT runs it with its NCHWc kernels, which beat its SGEMM:
 * measured on this project's 2-core VM, 164–171 GFLOP/s for 3×3 and 5×5 Convs against
 * 100–120 for the 384² MatMul in the same minute, so a CNN's Convs ran at 143–157% of a
 * MatMul-only ceiling. The FP32 roof is the better of the two.
 */
export function fp32Conv(c: number, hw: number): CeilingModel {
  return {
    kind: "fp32-conv",
    model: wrap("fp32-conv", {
      input: [vi("x", FLOAT, [1, c, hw, hw])],
      output: [vi("y", FLOAT, [1, c, hw, hw])],
      initializer: [floatTensor("w", [c, c, 3, 3], randomFloats(c * c * 9, 4))],
      node: [{ opType: "Conv", input: ["x", "w"], output: ["y"], attribute: [{ name: "pads", ints: [1, 1, 1, 1], type: 7 }] }],
    }),
    input: { name: "x", shape: [1, c, hw, hw], elemType: FLOAT },
    ops: 2 * c * c * 9 * hw * hw,
    bytes: (2 * c * hw * hw + c * c * 9) * 4,
    description: `Conv 3×3 ${c}→${c} channels on ${hw}×${hw}, float32`,
  };
}

/** `[n, n] × [n, n]` QLinearMatMul, uint8 activations × int8 weights → uint8: 2n³ integer ops per run. */
export function int8QLinearMatMul(n: number): CeilingModel {
  const scalar = (name: string, v: number) => floatTensor(name, [], new Float32Array([v]));
  return {
    kind: "int8-qlinearmatmul",
    model: wrap("int8-qlinearmatmul", {
      input: [vi("a", UINT8, [n, n])],
      output: [vi("y", UINT8, [n, n])],
      initializer: [
        scalar("a_s", 0.02),
        int8Tensor("a_zp", [], new Uint8Array([128])),
        int8Tensor("b", [n, n], randomInt8(n * n, 2)),
        scalar("b_s", 0.01),
        int8Tensor("b_zp", [], new Int8Array([0])),
        scalar("y_s", 0.5),
        int8Tensor("y_zp", [], new Uint8Array([128])),
      ],
      node: [{ opType: "QLinearMatMul", input: ["a", "a_s", "a_zp", "b", "b_s", "b_zp", "y_s", "y_zp"], output: ["y"] }],
    }),
    input: { name: "a", shape: [n, n], elemType: UINT8 },
    ops: 2 * n ** 3,
    bytes: 3 * n * n,
    description: `QLinearMatMul [${n}×${n}] uint8 × [${n}×${n}] int8 → uint8`,
  };
}

/** `[n, n] × [n, n]` MatMulInteger, uint8 × int8 → int32: 2n³ integer ops per run. */
export function int8MatMulInteger(n: number): CeilingModel {
  return {
    kind: "int8-matmulinteger",
    model: wrap("int8-matmulinteger", {
      input: [vi("a", UINT8, [n, n])],
      output: [vi("y", 6, [n, n])],
      initializer: [int8Tensor("b", [n, n], randomInt8(n * n, 3)), int8Tensor("a_zp", [], new Uint8Array([128])), int8Tensor("b_zp", [], new Int8Array([0]))],
      node: [{ opType: "MatMulInteger", input: ["a", "b", "a_zp", "b_zp"], output: ["y"] }],
    }),
    input: { name: "a", shape: [n, n], elemType: UINT8 },
    ops: 2 * n ** 3,
    bytes: 2 * n * n + 4 * n * n,
    description: `MatMulInteger [${n}×${n}] uint8 × [${n}×${n}] int8 → int32`,
  };
}

/**
 * Memory bandwidth: `ReduceSum(X × 1.0001)` over `elements` floats. X is read once, the
 * product written once and read once (the sum's output is one float, so the output copy
 * back to JavaScript is negligible): 3 × elements × 4 bytes per run.
 */
export function bandwidthModel(elements: number): CeilingModel {
  return {
    kind: "bandwidth",
    model: wrap("bandwidth", {
      input: [vi("x", FLOAT, [elements])],
      output: [vi("s", FLOAT, [])],
      initializer: [floatTensor("k", [], new Float32Array([1.0001]))],
      node: [
        { opType: "Mul", input: ["x", "k"], output: ["y"] },
        { opType: "ReduceSum", input: ["y"], output: ["s"], attribute: [{ name: "keepdims", i: 0, type: 2 }] },
      ],
    }),
    input: { name: "x", shape: [elements], elemType: FLOAT },
    ops: 0,
    bytes: 3 * elements * 4,
    description: `Mul + ReduceSum over ${((elements * 4) / 2 ** 20).toFixed(0)} MiB of float32`,
  };
}

/** Problem sizes per EP: large enough to leave caches and launch overheads behind, small enough for a software adapter. */
export interface CeilingSizes {
  /** MatMul side n. */
  readonly matmul: number;
  /** Channels and side of the FP32 Conv ceiling (cpu and cuda only). */
  readonly conv?: { readonly channels: number; readonly side: number };
  /** Float elements of the bandwidth model. */
  readonly elements: number;
}

/** The sizes used on `ep` (a software WebGPU adapter gets small ones). */
export function ceilingSizes(ep: string, quick: boolean): CeilingSizes {
  if (ep === "cuda") return { matmul: 4096, elements: 64 * 2 ** 20, conv: { channels: 256, side: 64 } };
  // cpu: n = 384. On this project's 2-core AMD EPYC VM a 512×512 FP32 MatMul ran at a median of 15–19 GFLOP/s
  // against 61–86 for 384×384 in the same interleaved loop (power-of-two strides alias in the caches), and 1024 was slower still.
  if (ep === "cpu")
    return quick
      ? { matmul: 256, elements: 8 * 2 ** 20, conv: { channels: 64, side: 16 } }
      : { matmul: 384, elements: 16 * 2 ** 20, conv: { channels: 128, side: 32 } };
  return { matmul: 256, elements: 2 * 2 ** 20 };
}

/** The ceiling models for `ep` (INT8 only where the EP has integer kernels: cpu, cuda, browser-wasm). */
export function ceilingModels(ep: string, quick = false): CeilingModel[] {
  const s = ceilingSizes(ep, quick);
  const int8 = ep === "cpu" || ep === "cuda" || ep === "browser-wasm";
  return [
    fp32MatMul(s.matmul),
    ...(s.conv ? [fp32Conv(s.conv.channels, s.conv.side)] : []),
    ...(int8 ? [int8QLinearMatMul(s.matmul), int8MatMulInteger(s.matmul)] : []),
    bandwidthModel(s.elements),
  ];
}

/** Why an EP has no INT8 ceiling (undefined when it has one). */
export function noInt8Reason(ep: string): string | undefined {
  if (ep === "cpu" || ep === "browser-wasm") return undefined;
  return ep === "cuda"
    ? "the cuda EP runs INT8 QDQ models as float ops (DequantizeLinear, then FP32 kernels: measured 0.63–0.75× of FP32 on an H200), so its INT8 roof is its FP32 one; its integer kernels are not measured"
    : `the ${ep} EP has no integer MatMul kernels (its INT8 models run as float ops after DequantizeLinear), so its INT8 ceiling is its FP32 one`;
}

/** Kinds whose figure is bytes per second (memory or the host link), not operations. */
export const STREAM_KINDS: readonly CeilingKind[] = ["bandwidth", "link-h2d", "link-d2h"];

/** The unit and figure of `m` at latency `ms`: GB/s for the streams, GFLOP/s for float kinds, GOP/s for integer ones. */
export function figureAt(m: Pick<CeilingModel, "kind" | "ops" | "bytes">, ms: number): { unit: string; value: number } {
  if (STREAM_KINDS.includes(m.kind)) return { unit: "GB/s", value: m.bytes / (ms * 1e6) };
  return { unit: m.kind.startsWith("int8") ? "GOP/s" : "GFLOP/s", value: m.ops / (ms * 1e6) };
}
