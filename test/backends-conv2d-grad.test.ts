/**
 * The wasm training kernels (train/backends/wasm-*.ts) against the cpu backend's stock
 * kernels: same inputs, max abs difference <= 1e-4.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../train/backends/index.ts";
import { seededRandom } from "../measure/random.ts";

const TOLERANCE = 1e-4;
const random = seededRandom(7);

/** Uniform values in [-1, 1). */
function values(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = random() * 2 - 1;
  return v;
}

type Inputs = Record<string, { shape: number[]; data: Float32Array }>;

/** Runs kernel `name` on `backend` with fresh tensors built from `inputs`; returns its output values. */
async function runOn(backend: "cpu" | "wasm", name: string, inputs: Inputs, attrs: tf.NamedAttrMap) {
  assert.equal(await tf.setBackend(backend), true);
  const ts: tf.NamedTensorMap = {};
  for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(v.data, v.shape);
  const out = tf.engine().runKernel(name, ts, attrs) as tf.Tensor;
  try {
    return { shape: out.shape, data: await out.data() };
  } finally {
    out.dispose();
    for (const t of Object.values(ts)) t.dispose();
  }
}

/** Asserts the kernel gives the same values on wasm and cpu, within {@link TOLERANCE}. */
async function assertMatchesCpu(name: string, inputs: Inputs, attrs: tf.NamedAttrMap): Promise<void> {
  const want = await runOn("cpu", name, inputs, attrs);
  const got = await runOn("wasm", name, inputs, attrs);
  assert.deepEqual(got.shape, want.shape);
  let maxDiff = 0;
  for (let i = 0; i < want.data.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((got.data[i] as number) - (want.data[i] as number)));
  }
  assert.ok(maxDiff <= TOLERANCE, `${name} ${JSON.stringify(attrs)}: max abs diff ${maxDiff} > ${TOLERANCE}`);
}

/** Conv2D cases: [x shape NHWC, filter shape [fh, fw, Cin, Cout], stride, pad]. */
const CONV_CASES: [number[], [number, number, number, number], number | [number, number], "same" | "valid"][] = [
  [[1, 5, 5, 1], [3, 3, 1, 1], 1, "valid"],
  [[2, 7, 9, 3], [3, 3, 3, 4], 1, "same"],
  [[3, 9, 7, 2], [5, 5, 2, 3], 1, "valid"],
  [[2, 9, 9, 3], [3, 3, 3, 5], 2, "same"],
  [[2, 10, 11, 4], [3, 2, 4, 3], 2, "valid"],
  [[1, 8, 8, 2], [4, 4, 2, 2], 2, "same"],
  [[2, 11, 6, 3], [2, 3, 3, 2], [2, 1], "same"],
  [[4, 12, 12, 8], [5, 5, 8, 16], 1, "valid"],
];

function convOutShape(x: number[], f: number[], stride: number | [number, number], pad: "same" | "valid") {
  return tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], stride, 1, pad).outShape;
}

describe("wasm training kernels match the cpu backend", () => {
  before(async () => {
    await selectBackend("wasm");
  });

  for (const [xShape, fShape, strides, pad] of CONV_CASES) {
    const label = `x ${xShape} filter ${fShape} stride ${strides} ${pad}`;
    test(`Conv2DBackpropFilter: ${label}`, async () => {
      const dyShape = convOutShape(xShape, fShape, strides, pad);
      await assertMatchesCpu(
        "Conv2DBackpropFilter",
        { x: { shape: xShape, data: values(xShape) }, dy: { shape: dyShape, data: values(dyShape) } },
        { strides, pad, dataFormat: "NHWC", filterShape: fShape },
      );
    });
    test(`Conv2DBackpropInput: ${label}`, async () => {
      const dyShape = convOutShape(xShape, fShape, strides, pad);
      await assertMatchesCpu(
        "Conv2DBackpropInput",
        { dy: { shape: dyShape, data: values(dyShape) }, filter: { shape: fShape, data: values(fShape) } },
        { strides, pad, dataFormat: "NHWC", inputShape: xShape },
      );
    });
  }

  const POOL_CASES: [number[], number, number, "same" | "valid"][] = [
    [[2, 8, 8, 3], 2, 2, "valid"],
    [[2, 7, 9, 4], 2, 2, "same"],
    [[1, 9, 7, 2], 3, 1, "same"],
    [[3, 10, 10, 5], 3, 2, "valid"],
  ];
  for (const [xShape, size, stride, pad] of POOL_CASES) {
    test(`MaxPoolGrad: x ${xShape} pool ${size} stride ${stride} ${pad}`, async () => {
      const x = values(xShape);
      // Ties (as after a ReLU): a quarter of the values are exactly 0.
      for (let i = 0; i < x.length; i += 4) x[i] = 0;
      const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], size, stride, 1, pad);
      const output = { shape: info.outShape, data: new Float32Array(info.outShape.reduce((a, b) => a * b, 1)) };
      await assertMatchesCpu(
        "MaxPoolGrad",
        { dy: { shape: info.outShape, data: values(info.outShape) }, input: { shape: xShape, data: x }, output },
        { filterSize: size, strides: stride, pad },
      );
    });
  }

  const MATMUL_CASES: [number[], number[], boolean, boolean][] = [
    [[33, 17], [33, 9], true, false],
    [[5, 20], [7, 20], false, true],
    [[12, 6], [9, 12], true, true],
    [[3, 4, 5], [3, 4, 6], true, false],
    [[2, 5, 4], [1, 3, 4], false, true],
  ];
  for (const [aShape, bShape, transposeA, transposeB] of MATMUL_CASES) {
    test(`BatchMatMul: a ${aShape} b ${bShape} transposeA ${transposeA} transposeB ${transposeB}`, async () => {
      await assertMatchesCpu(
        "BatchMatMul",
        { a: { shape: aShape, data: values(aShape) }, b: { shape: bShape, data: values(bShape) } },
        { transposeA, transposeB },
      );
    });
  }

  test("a small CNN's gradients on wasm equal the cpu backend's", async () => {
    const x = values([4, 12, 12, 2]);
    const w1 = values([3, 3, 2, 4]);
    const w2 = values([3, 3, 4, 6]);
    const grads = async (backend: "cpu" | "wasm") => {
      await tf.setBackend(backend);
      const [gx, g1, g2] = tf.tidy(() => {
        const f = (xs: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
          const h = tf.maxPool(tf.relu(tf.conv2d(xs as tf.Tensor4D, a as tf.Tensor4D, 1, "same")), 2, 2, "valid");
          return tf
            .relu(tf.conv2d(h, b as tf.Tensor4D, 2, "valid"))
            .square()
            .sum();
        };
        return tf.grads(f)([tf.tensor(x, [4, 12, 12, 2]), tf.tensor(w1, [3, 3, 2, 4]), tf.tensor(w2, [3, 3, 4, 6])]);
      }) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const out = [await gx.data(), await g1.data(), await g2.data()];
      tf.dispose([gx, g1, g2]);
      return out;
    };
    const want = await grads("cpu");
    const got = await grads("wasm");
    want.forEach((w, k) => {
      const g = got[k]!;
      let maxDiff = 0;
      for (let i = 0; i < w.length; i++) maxDiff = Math.max(maxDiff, Math.abs((g[i] as number) - (w[i] as number)));
      assert.ok(maxDiff <= TOLERANCE, `gradient ${k}: max abs diff ${maxDiff}`);
    });
  });
});
