/**
 * Ceiling models whose data lives on the device: a `[1]` input is `Expand`ed inside the
 * graph to the full problem, a chain of the measured op runs on it, and a scalar (or the
 * expanded tensor, for the device→host link) comes out. So a timed run moves a few bytes
 * over the host link and the figure is the device's own (measured on an H200: an uploaded
 * 4096² MatMul read 2,664 GFLOP/s, the same chain made on the device 371,932). The link
 * itself is measured apart: host→device (a large input, a scalar out) and device→host (a
 * `[1]` input, a large output). Each model states its work per run and the problem size.
 */
import type { onnx } from "../../formats/onnx/onnx-io.ts";
import { float16Tensor, floatTensor, int64Tensor, int8Tensor } from "../../formats/onnx/tensor-data.ts";
import { seededRandom } from "../../measure/index.ts";
import type { CeilingModel } from "./ceiling-models.ts";
import type { CeilingKind } from "../../formats/run/ceiling-cache.ts";

const FLOAT = 1;
const UINT8 = 2;
const INT32 = 6;
const FLOAT16 = 10;

/** Ops chained in one run (MatMuls, Convs, elementwise ops): enough to hide the launch of a run. */
export const CHAIN = 8;

function vi(name: string, elemType: number, dims: readonly number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

function wrap(name: string, graph: onnx.IGraphProto): onnx.IModelProto {
  // ir_version 8: what ORT 1.29/1.30 load (onnx 1.23's default is refused).
  return { irVersion: 8, producerName: "profile/ceilings", opsetImport: [{ domain: "", version: 13 }], graph: { name, ...graph } };
}

/** Uniform values in ±√(3/n): a product of n such terms keeps unit variance, so a chain neither overflows nor underflows. */
function scaledFloats(count: number, fanIn: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const k = Math.sqrt(3 / fanIn);
  return Float32Array.from({ length: count }, () => (rand() * 2 - 1) * k);
}

function randomInt8(count: number, seed: number): Int8Array {
  const rand = seededRandom(seed);
  return Int8Array.from({ length: count }, () => Math.floor(rand() * 255) - 127);
}

const SEED = (elemType: number) => ({ name: "seed", shape: [1], elemType });
const expand = (out: string): onnx.INodeProto => ({ opType: "Expand", input: ["seed", `${out}_shape`], output: [out] });
const reduceAll = (input: string, output: string): onnx.INodeProto => ({
  opType: "ReduceSum",
  input: [input],
  output: [output],
  attribute: [{ name: "keepdims", i: 0, type: 2 }],
});
const shapeOf = (out: string, dims: readonly number[]) => int64Tensor(`${out}_shape`, [dims.length], dims);

/** `CHAIN` chained `[n, n] × [n, n]` FP32 MatMuls on a tensor made on the device: 2n³ FLOPs each. */
export function fp32MatMulChain(n: number): CeilingModel {
  const node: onnx.INodeProto[] = [expand("a0")];
  for (let i = 0; i < CHAIN; i++) node.push({ opType: "MatMul", input: [`a${i}`, "b"], output: [`a${i + 1}`] });
  node.push(reduceAll(`a${CHAIN}`, "s"));
  return {
    kind: "fp32-matmul",
    model: wrap("fp32-matmul", {
      input: [vi("seed", FLOAT, [1])],
      output: [vi("s", FLOAT, [])],
      initializer: [shapeOf("a0", [n, n]), floatTensor("b", [n, n], scaledFloats(n * n, n, 1))],
      node,
    }),
    input: SEED(FLOAT),
    ops: CHAIN * 2 * n ** 3,
    bytes: CHAIN * 3 * n * n * 4,
    description: `${CHAIN} chained MatMuls [${n}×${n}] × [${n}×${n}] float32, data made on the device`,
    size: n,
  };
}

/** The same chain in float16 (a `Cast` after the `Expand`, the sum cast back to float32). */
export function fp16MatMulChain(n: number): CeilingModel {
  const node: onnx.INodeProto[] = [expand("e"), { opType: "Cast", input: ["e"], output: ["a0"], attribute: [{ name: "to", i: FLOAT16, type: 2 }] }];
  for (let i = 0; i < CHAIN; i++) node.push({ opType: "MatMul", input: [`a${i}`, "b"], output: [`a${i + 1}`] });
  node.push(reduceAll(`a${CHAIN}`, "h"), { opType: "Cast", input: ["h"], output: ["s"], attribute: [{ name: "to", i: FLOAT, type: 2 }] });
  return {
    kind: "fp16-matmul",
    model: wrap("fp16-matmul", {
      input: [vi("seed", FLOAT, [1])],
      output: [vi("s", FLOAT, [])],
      initializer: [shapeOf("e", [n, n]), float16Tensor("b", [n, n], scaledFloats(n * n, n, 5))],
      node,
    }),
    input: SEED(FLOAT),
    ops: CHAIN * 2 * n ** 3,
    bytes: CHAIN * 3 * n * n * 2,
    description: `${CHAIN} chained MatMuls [${n}×${n}] × [${n}×${n}] float16, data made on the device`,
    size: n,
  };
}

/** `CHAIN` chained 3×3 Convs, `c` → `c` channels on `[1, c, hw, hw]` (padding 1): 2·c²·9·hw² FLOPs each. */
export function fp32ConvChain(c: number, hw: number): CeilingModel {
  const node: onnx.INodeProto[] = [expand("x0")];
  for (let i = 0; i < CHAIN; i++)
    node.push({ opType: "Conv", input: [`x${i}`, "w"], output: [`x${i + 1}`], attribute: [{ name: "pads", ints: [1, 1, 1, 1], type: 7 }] });
  node.push(reduceAll(`x${CHAIN}`, "s"));
  return {
    kind: "fp32-conv",
    model: wrap("fp32-conv", {
      input: [vi("seed", FLOAT, [1])],
      output: [vi("s", FLOAT, [])],
      initializer: [shapeOf("x0", [1, c, hw, hw]), floatTensor("w", [c, c, 3, 3], scaledFloats(c * c * 9, c * 9, 4))],
      node,
    }),
    input: SEED(FLOAT),
    ops: CHAIN * 2 * c * c * 9 * hw * hw,
    bytes: CHAIN * (2 * c * hw * hw + c * c * 9) * 4,
    description: `${CHAIN} chained Convs 3×3 ${c}→${c} channels on ${hw}×${hw}, float32, data made on the device`,
    size: c * c * hw * hw,
  };
}

/** `CHAIN` chained QLinearMatMuls, uint8 activations × int8 weights → uint8 (each feeds the next): 2n³ integer ops each. */
export function int8QLinearMatMulChain(n: number): CeilingModel {
  const scalar = (name: string, v: number) => floatTensor(name, [], new Float32Array([v]));
  const node: onnx.INodeProto[] = [expand("a0")];
  for (let i = 0; i < CHAIN; i++) node.push({ opType: "QLinearMatMul", input: [`a${i}`, "a_s", "zp", "b", "b_s", "b_zp", "a_s", "zp"], output: [`a${i + 1}`] });
  node.push({ opType: "Cast", input: [`a${CHAIN}`], output: ["f"], attribute: [{ name: "to", i: FLOAT, type: 2 }] }, reduceAll("f", "s"));
  return {
    kind: "int8-qlinearmatmul",
    model: wrap("int8-qlinearmatmul", {
      input: [vi("seed", UINT8, [1])],
      output: [vi("s", FLOAT, [])],
      initializer: [
        shapeOf("a0", [n, n]),
        scalar("a_s", 0.02),
        int8Tensor("zp", [], new Uint8Array([128])),
        int8Tensor("b", [n, n], randomInt8(n * n, 2)),
        scalar("b_s", 0.01 / Math.sqrt(n)),
        int8Tensor("b_zp", [], new Int8Array([0])),
      ],
      node,
    }),
    input: SEED(UINT8),
    ops: CHAIN * 2 * n ** 3,
    bytes: CHAIN * 3 * n * n,
    description: `${CHAIN} chained QLinearMatMuls [${n}×${n}] uint8 × [${n}×${n}] int8 → uint8, data made on the device`,
    size: n,
  };
}

/**
 * `CHAIN` MatMulIntegers, uint8 × int8 → int32, each from the tensor made on the device,
 * summed to one int32: 2n³ integer ops each. Each has its own activation zero point, so
 * ORT's common-subexpression elimination cannot merge them (identical ones read 2,116 GOP/s
 * on 2 cores, one product timed for eight).
 */
export function int8MatMulIntegerFan(n: number): CeilingModel {
  const node: onnx.INodeProto[] = [expand("a")];
  for (let i = 0; i < CHAIN; i++) node.push({ opType: "MatMulInteger", input: ["a", "b", `a_zp${i}`, "b_zp"], output: [`y${i}`] }, reduceAll(`y${i}`, `s${i}`));
  // int32 Sum has no CPU kernel; Add has
  for (let i = 1; i < CHAIN; i++) node.push({ opType: "Add", input: [i === 1 ? "s0" : `t${i - 1}`, `s${i}`], output: [i === CHAIN - 1 ? "s" : `t${i}`] });
  return {
    kind: "int8-matmulinteger",
    model: wrap("int8-matmulinteger", {
      input: [vi("seed", UINT8, [1])],
      output: [vi("s", INT32, [])],
      initializer: [
        shapeOf("a", [n, n]),
        int8Tensor("b", [n, n], randomInt8(n * n, 3)),
        ...Array.from({ length: CHAIN }, (_, i) => int8Tensor(`a_zp${i}`, [], new Uint8Array([128 - i]))),
        int8Tensor("b_zp", [], new Int8Array([0])),
      ],
      node,
    }),
    input: SEED(UINT8),
    ops: CHAIN * 2 * n ** 3,
    bytes: CHAIN * (n * n + 4 * n * n),
    description: `${CHAIN} MatMulIntegers [${n}×${n}] uint8 × [${n}×${n}] int8 → int32, data made on the device`,
    size: n,
  };
}

/**
 * Memory bandwidth on the device: `Expand` to `elements` floats, `CHAIN` elementwise ops
 * (Mul, Add alternating: each reads and writes the tensor), `ReduceSum`. Bytes per run:
 * 4 × elements × (1 write + 2 × CHAIN + 1 read).
 */
export function bandwidthChain(elements: number): CeilingModel {
  const node: onnx.INodeProto[] = [expand("x0")];
  for (let i = 0; i < CHAIN; i++) node.push({ opType: i % 2 === 0 ? "Mul" : "Add", input: [`x${i}`, i % 2 === 0 ? "k" : "c"], output: [`x${i + 1}`] });
  node.push(reduceAll(`x${CHAIN}`, "s"));
  return {
    kind: "bandwidth",
    model: wrap("bandwidth", {
      input: [vi("seed", FLOAT, [1])],
      output: [vi("s", FLOAT, [])],
      initializer: [shapeOf("x0", [elements]), floatTensor("k", [], new Float32Array([0.5])), floatTensor("c", [], new Float32Array([0.25]))],
      node,
    }),
    input: SEED(FLOAT),
    ops: 0,
    bytes: 4 * elements * (2 + 2 * CHAIN),
    description: `Expand, ${CHAIN} elementwise Mul/Add and ReduceSum over ${mib(elements)} MiB of float32, on the device`,
    size: elements,
  };
}

/** Host→device link: `elements` floats uploaded each run, a `ReduceSum` on the device, a scalar back. Bytes per run: 4 × elements. */
export function linkHostToDevice(elements: number): CeilingModel {
  return {
    kind: "link-h2d",
    model: wrap("link-h2d", { input: [vi("x", FLOAT, [elements])], output: [vi("s", FLOAT, [])], node: [reduceAll("x", "s")] }),
    input: { name: "x", shape: [elements], elemType: FLOAT },
    ops: 0,
    bytes: 4 * elements,
    description: `host→device: ${mib(elements)} MiB of float32 in, a scalar out`,
    size: elements,
  };
}

/** Device→host link: a `[1]` input `Expand`ed to `elements` floats on the device and read back. Bytes per run: 4 × elements. */
export function linkDeviceToHost(elements: number): CeilingModel {
  return {
    kind: "link-d2h",
    model: wrap("link-d2h", {
      input: [vi("seed", FLOAT, [1])],
      output: [vi("y", FLOAT, [elements])],
      initializer: [shapeOf("y", [elements])],
      node: [expand("y")],
    }),
    input: SEED(FLOAT),
    ops: 0,
    bytes: 4 * elements,
    description: `device→host: a [1] input expanded to ${mib(elements)} MiB of float32 and read back`,
    size: elements,
  };
}

function mib(elements: number): string {
  return ((elements * 4) / 2 ** 20).toFixed(0);
}

/** MatMul sides tried in turn: steps of about √2, so a rate that stops rising is seen within a few rungs. */
export const MATMUL_SIDES = [128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192] as const;
/** Conv (channels, side) tried in turn: each about twice the work of the one before. */
export const CONV_SHAPES = [
  [32, 16],
  [32, 32],
  [64, 32],
  [64, 64],
  [128, 64],
  [256, 64],
  [256, 128],
  [512, 128],
] as const;
/** Float elements of the bandwidth and link models tried in turn: 4 MiB to 1 GiB, doubling. */
export const STREAM_ELEMENTS = Array.from({ length: 9 }, (_, i) => 2 ** (20 + i));

/** The rungs of each kind's size ladder, smallest first. */
export function ladderLength(kind: CeilingKind): number {
  if (kind === "fp32-conv") return CONV_SHAPES.length;
  if (kind === "bandwidth" || kind === "link-h2d" || kind === "link-d2h") return STREAM_ELEMENTS.length;
  return MATMUL_SIDES.length;
}

/** The device-resident model of `kind` at rung `rung` of its ladder (0 = smallest). */
export function ladderModel(kind: CeilingKind, rung: number): CeilingModel {
  const side = MATMUL_SIDES[Math.min(rung, MATMUL_SIDES.length - 1)]!;
  const elements = STREAM_ELEMENTS[Math.min(rung, STREAM_ELEMENTS.length - 1)]!;
  switch (kind) {
    case "fp32-matmul":
      return fp32MatMulChain(side);
    case "fp16-matmul":
      return fp16MatMulChain(side);
    case "int8-qlinearmatmul":
      return int8QLinearMatMulChain(side);
    case "int8-matmulinteger":
      return int8MatMulIntegerFan(side);
    case "fp32-conv": {
      const [c, hw] = CONV_SHAPES[Math.min(rung, CONV_SHAPES.length - 1)]!;
      return fp32ConvChain(c, hw);
    }
    case "bandwidth":
      return bandwidthChain(elements);
    case "link-h2d":
      return linkHostToDevice(elements);
    case "link-d2h":
      return linkDeviceToHost(elements);
  }
}
