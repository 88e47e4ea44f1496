import * as tf from "@tensorflow/tfjs";
import { buildModel } from "./train/index.ts";
import { selectBackend } from "./train/backends/index.ts";
let t = performance.now();
const lap = (s: string) => { const n = performance.now(); console.log(s, ((n - t) / 1000).toFixed(1), "s"); t = n; };
await selectBackend("webgpu"); lap("load webgpu");
for (const b of ["cpu", "webgpu", "webgpu"]) for (const name of ["lenet", "basic-cnn"]) {
  await tf.setBackend(b);
  const m = buildModel(name, { inputShape: [28, 28, 1], numClasses: 10, seed: 3 });
  m.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
  const xs = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 5);
  const ys = tf.oneHot(tf.tensor1d([3, 7], "int32"), 10);
  await m.trainOnBatch(xs, ys); await Promise.all(m.getWeights().map((w) => w.data()));
  lap(`${b} ${name}`);
}
process.exit(0);
