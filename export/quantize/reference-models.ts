/**
 * Small float ONNX models built by hand with seeded random weights: LeNet and the basic
 * CNN of the labs (MNIST-shaped, NCHW input [batch, 1, 28, 28], 10 softmax outputs).
 * Stand-ins for the trained exports, for tests and for the quant bench when
 * artifacts/models/<model>-mnist/ has no model.fp32.onnx yet.
 */
import * as ort from "onnxruntime-node";
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { attr } from "../../formats/onnx/graph-view.ts";
import { seededRandom } from "../../measure/index.ts";
import { floatTensor, int64Tensor } from "../../formats/onnx/tensor-data.ts";

/** Names of the reference models. */
export type ReferenceModelName = "lenet" | "basic-cnn";

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

class Builder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];
  private n = 0;
  constructor(private readonly rand: () => number) {}

  weight(name: string, dims: number[], fanIn: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < data.length; i++) data[i] = normal(this.rand) * std;
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }

  bias(name: string, size: number): string {
    const data = Float32Array.from({ length: size }, () => (this.rand() - 0.5) * 0.1);
    this.inits.push(floatTensor(name, [size], data));
    return name;
  }

  node(opType: string, input: string[], attribute: onnx.IAttributeProto[] = []): string {
    const out = `t${this.n++}`;
    this.nodes.push({ opType, input, output: [out], name: `${opType.toLowerCase()}_${this.n}`, attribute });
    return out;
  }

  conv(x: string, cin: number, cout: number, k: number, same: boolean): string {
    const i = this.n;
    const w = this.weight(`conv${i}_w`, [cout, cin, k, k], cin * k * k);
    const b = this.bias(`conv${i}_b`, cout);
    const p = same ? (k - 1) / 2 : 0;
    return this.node("Relu", [this.node("Conv", [x, w, b], [attr.ints("kernel_shape", [k, k]), attr.ints("pads", [p, p, p, p])])]);
  }

  pool(x: string): string {
    return this.node("MaxPool", [x], [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])]);
  }
}

/**
 * LeNet (Conv 32@5×5 valid, pool, Conv 64@5×5 valid, pool, Gemm 120, 84, 10, softmax) or the
 * basic CNN (Conv 32@3×3 same, pool, Conv 64@3×3 same, pool, MatMul+Add 128, 10, softmax),
 * opset 13, random He-initialised weights from `seed`.
 */
export function buildReferenceModel(name: ReferenceModelName, seed = 1): onnx.IModelProto {
  const b = new Builder(seededRandom(seed));
  let x = "input";
  let flat: number;
  if (name === "lenet") {
    x = b.pool(b.conv(x, 1, 32, 5, false));
    x = b.pool(b.conv(x, 32, 64, 5, false));
    x = b.node("Flatten", [x], [attr.int("axis", 1)]);
    flat = 64 * 4 * 4;
    const dense = (y: string, k: number, n: number, relu: boolean): string => {
      const i = b.nodes.length;
      const g = b.node("Gemm", [y, b.weight(`fc${i}_w`, [n, k], k), b.bias(`fc${i}_b`, n)], [attr.int("transB", 1)]);
      return relu ? b.node("Relu", [g]) : g;
    };
    x = dense(dense(dense(x, flat, 120, true), 120, 84, true), 84, 10, false);
  } else {
    x = b.pool(b.conv(x, 1, 32, 3, true));
    x = b.pool(b.conv(x, 32, 64, 3, true));
    b.inits.push(int64Tensor("flat_shape", [2], [-1, 64 * 7 * 7]));
    x = b.node("Reshape", [x, "flat_shape"]);
    flat = 64 * 7 * 7;
    const dense = (y: string, k: number, n: number, relu: boolean): string => {
      const i = b.nodes.length;
      const m = b.node("Add", [b.node("MatMul", [y, b.weight(`dense${i}_w`, [k, n], k)]), b.bias(`dense${i}_b`, n)]);
      return relu ? b.node("Relu", [m]) : m;
    };
    x = dense(dense(x, flat, 128, true), 128, 10, false);
  }
  const probs = b.node("Softmax", [x], [attr.int("axis", 1)]);
  const dim = (v: number | string): onnx.TensorShapeProto.IDimension => (typeof v === "number" ? { dimValue: v } : { dimParam: v });
  return {
    irVersion: 8,
    producerName: "export/quantize/reference-models",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name,
      node: b.nodes,
      initializer: b.inits,
      input: [{ name: "input", type: { tensorType: { elemType: 1, shape: { dim: ["batch", 1, 28, 28].map(dim) } } } }],
      output: [{ name: probs, type: { tensorType: { elemType: 1, shape: { dim: ["batch", 10].map(dim) } } } }],
    },
  };
}

/** `count` feeds of random MNIST-like inputs in [0, 1) for input `name`, shape [batch, 1, 28, 28]. */
export function randomImageFeeds(count: number, batch: number, seed = 7, name = "input"): Record<string, ort.Tensor>[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const data = Float32Array.from({ length: batch * 28 * 28 }, () => rand());
    return { [name]: new ort.Tensor("float32", data, [batch, 1, 28, 28]) };
  });
}
