/** The model zoo: every architecture of the labs, by name. */
import type * as tf from "@tensorflow/tfjs";
import { alexnetCifar, CIFAR_CNN, CIFAR_CNN_BN, CIFAR_CNN_DROPOUT, CIFAR_CNN_FINAL, cifarLabCnn } from "./cifar-models.ts";
import { assignmentCnn, convStack, fcnn, lenet } from "./lab-cnns.ts";
import { mobilenetV2 } from "./mobilenetv2.ts";
import type { ModelBuildContext, ZooEntry } from "./zoo-types.ts";

/** Every zoo entry, in the order `--help` lists them. */
export const ZOO: readonly ZooEntry[] = [
  { name: "lenet", defaultDataset: "mnist", description: "Conv 32@5x5, pool, Conv 64@5x5, pool, Dense 120, 84", build: lenet },
  {
    name: "assignment-cnn",
    defaultDataset: "mnist",
    description: "assignment Q9: Conv 32@3x3 valid, pool, Conv 64@3x3 valid, pool, Dense 64",
    build: assignmentCnn,
  },
  {
    name: "basic-cnn",
    defaultDataset: "mnist",
    description: "Conv 32@3x3, pool, Conv 64@3x3, pool, Dense 128, Dropout 0.3",
    build: (c) => convStack("basic-cnn", c, [32, 64], 128),
  },
  {
    name: "shallow-cnn",
    defaultDataset: "mnist",
    description: "architecture sweep: 16, 32 filters; Dense 64",
    build: (c) => convStack("shallow-cnn", c, [16, 32], 64),
  },
  {
    name: "deep-cnn",
    defaultDataset: "mnist",
    description: "architecture sweep: 32, 64, 128 filters; Dense 128",
    build: (c) => convStack("deep-cnn", c, [32, 64, 128], 128),
  },
  {
    name: "wide-cnn",
    defaultDataset: "mnist",
    description: "architecture sweep: 64, 128 filters; Dense 256",
    build: (c) => convStack("wide-cnn", c, [64, 128], 256),
  },
  {
    name: "tiny-cnn",
    defaultDataset: "mnist",
    description: "architecture sweep: 8, 16 filters; Dense 32",
    build: (c) => convStack("tiny-cnn", c, [8, 16], 32),
  },
  {
    name: "small-filters",
    defaultDataset: "mnist",
    description: "filter-size sweep: 2x2 kernels, 32 and 64 filters, Dense 128",
    build: (c) => convStack("small-filters", c, [32, 64], 128, { kernels: [2, 2] }),
  },
  {
    name: "large-filters",
    defaultDataset: "mnist",
    description: "filter-size sweep: 5x5 kernels, 32 and 64 filters, Dense 128",
    build: (c) => convStack("large-filters", c, [32, 64], 128, { kernels: [5, 5] }),
  },
  {
    name: "mixed-filters",
    defaultDataset: "mnist",
    description: "filter-size sweep: 3x3 then 5x5, 32 and 64 filters, Dense 128",
    build: (c) => convStack("mixed-filters", c, [32, 64], 128, { kernels: [3, 5] }),
  },
  { name: "fcnn", defaultDataset: "mnist", description: "fully connected baseline: Dense 512 tanh, 256 tanh", build: fcnn },
  {
    name: "alexnet-cifar",
    defaultDataset: "cifar10",
    description: "AlexNet-like: Conv 64, 192, 384, 256, 256; Dense 1024, 512, Dropout 0.5",
    build: alexnetCifar,
  },
  {
    name: "cifar-cnn",
    defaultDataset: "cifar10",
    description: "CIFAR-10 lab: Conv 96@5x5 valid, pool, Conv 80@5x5 valid, pool, Dense 256",
    build: (c) => cifarLabCnn("cifar-cnn", c, CIFAR_CNN),
  },
  {
    name: "cifar-cnn-dropout",
    defaultDataset: "cifar10",
    description: "cifar-cnn with Dropout 0.25, 0.25, 0.5",
    build: (c) => cifarLabCnn("cifar-cnn-dropout", c, CIFAR_CNN_DROPOUT),
  },
  {
    name: "cifar-cnn-bn",
    defaultDataset: "cifar10",
    description: "cifar-cnn-dropout with batch norm (momentum 0.75) before relu after both convs and Dense 256",
    build: (c) => cifarLabCnn("cifar-cnn-bn", c, CIFAR_CNN_BN),
  },
  {
    name: "cifar-cnn-final",
    defaultDataset: "cifar10",
    description: "CIFAR-10 lab final: Conv 64, 128 @5x5 valid, Dense 512, each BN 0.8-relu; Dropout 0.25, 0.3, 0.5",
    build: (c) => cifarLabCnn("cifar-cnn-final", c, CIFAR_CNN_FINAL),
  },
  {
    name: "mobilenetv2",
    defaultDataset: "cifar10",
    description: "MobileNetV2 (width multiplier --alpha, default 1.0) + new head; transfer learning with --pretrained, --preset per notebook",
    build: (c) => mobilenetV2(c),
  },
];

/** Zoo model names. */
export const MODEL_NAMES: readonly string[] = ZOO.map((e) => e.name);

/** Finds a zoo entry; the error lists the valid names. */
export function zooEntry(name: string): ZooEntry {
  const entry = ZOO.find((e) => e.name === name);
  if (!entry) {
    throw new Error(`Unknown model "${name}". Expected one of: ${MODEL_NAMES.join(", ")} (or --model-config <file.json> for your own CNN)`);
  }
  return entry;
}

/** Builds a zoo model by name. */
export function buildModel(name: string, ctx: ModelBuildContext): tf.LayersModel {
  return zooEntry(name).build(ctx);
}
