/** The table of layer converters, keyed by tfjs class name; one place lists what converts. */
import type { LayerConverter } from "./converter-types.ts";
import { convertActivation, convertLeakyReLU, convertReLU } from "./layers/activation.ts";
import { convertBatchNormalization } from "./layers/batch-norm.ts";
import { convertConv2D, convertDepthwiseConv2D } from "./layers/conv.ts";
import { convertDense, convertFlatten } from "./layers/dense.ts";
import { convertAveragePooling2D, convertGlobalAveragePooling2D, convertGlobalMaxPooling2D, convertMaxPooling2D } from "./layers/pooling.ts";
import { convertAdd, convertDropout, convertZeroPadding2D } from "./layers/structure.ts";

/** Converters by tfjs class name. `InputLayer` is handled by the walker (it becomes the graph input). */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Activation: convertActivation,
  Add: convertAdd,
  AveragePooling2D: convertAveragePooling2D,
  BatchNormalization: convertBatchNormalization,
  Conv2D: convertConv2D,
  Dense: convertDense,
  DepthwiseConv2D: convertDepthwiseConv2D,
  Dropout: convertDropout,
  Flatten: convertFlatten,
  GlobalAveragePooling2D: convertGlobalAveragePooling2D,
  GlobalMaxPooling2D: convertGlobalMaxPooling2D,
  LeakyReLU: convertLeakyReLU,
  MaxPooling2D: convertMaxPooling2D,
  ReLU: convertReLU,
  ZeroPadding2D: convertZeroPadding2D,
};

/** Every tfjs layer class the converter accepts, sorted (used in the refusal message). */
export const SUPPORTED_LAYERS: readonly string[] = [...Object.keys(LAYER_CONVERTERS), "InputLayer"].sort();

/** Layers that vanish at inference (identity); reported as removed. */
export const REMOVED_AT_INFERENCE: ReadonlySet<string> = new Set(["Dropout"]);
