/** Types shared by the model zoo's builders. */
import type * as tf from "@tensorflow/tfjs";

/** What every builder gets. */
export interface ModelBuildContext {
  /** Input image shape [height, width, channels] (NHWC without batch). */
  readonly inputShape: readonly [number, number, number];
  /** Number of output classes. */
  readonly numClasses: number;
  /** Seed for initializers and dropout. */
  readonly seed: number;
}

/** A zoo entry: a named architecture and how to build it. */
export interface ZooEntry {
  /** Name as `--model` takes it. */
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly description: string;
  /** Dataset the labs trained it on (the default for `--dataset`). */
  readonly defaultDataset: "mnist" | "fashion-mnist" | "cifar10";
  readonly build: (ctx: ModelBuildContext) => tf.LayersModel;
}
