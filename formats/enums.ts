/**
 * The names every stage agrees on: precisions (file suffixes `model.<precision>.onnx`),
 * INT8 calibration methods and activation types,
 * dataset names as the CLI spells them, and execution-provider names. Declared once here;
 * the stages re-export them.
 */

/**
 * Precisions the exporter writes and the profiler measures: `int8` is the tuned static INT8
 * (node set chosen by timing on this machine), `int8-all` static INT8 with every node the op
 * table allows (ONNX Runtime's default recipe), `int8-dynamic` dynamic INT8, `fp16` half floats.
 */
export const PRECISIONS = ["fp32", "int8", "int8-all", "int8-dynamic", "fp16"] as const;
/** One of {@link PRECISIONS}. */
export type Precision = (typeof PRECISIONS)[number];

/** Calibration methods of static INT8 quantization (export options, `export.json`). */
export const CALIBRATION_METHODS = ["minmax", "percentile", "entropy"] as const;
/** Integer type of quantized activations (export options, `export.json`). */
export const ACTIVATION_TYPES = ["uint8", "int8"] as const;

/** Dataset names `loadDataset` accepts, as the CLI spells them. */
export const DATASET_NAMES = ["mnist", "fashion-mnist", "cifar10", "folder", "synthetic"] as const;
/** One of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Execution providers the default registry knows, in the order rows are measured. */
export const EP_NAMES = ["cpu", "cuda", "webgpu", "browser-wasm", "browser-webgpu"] as const;
/** One of {@link EP_NAMES}. */
export type EpName = (typeof EP_NAMES)[number];

/** tfjs training backends as `--backend` spells them (GPU first; `auto` times them and keeps the fastest). */
export const BACKEND_NAMES = ["tfjs-node-gpu", "webgpu", "tfjs-node", "wasm", "cpu"] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Training recipes `--recipe` takes: the harness's short default, or the model's notebook recipe. */
export const RECIPE_NAMES = ["default", "lab"] as const;
/** One of {@link RECIPE_NAMES}. */
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** MobileNetV2 presets `--preset` takes (the notebooks' transfer-learning runs). */
export const MOBILENET_PRESET_NAMES = ["lab6-f3", "lab3-part6", "assignment6-q10"] as const;
/** One of {@link MOBILENET_PRESET_NAMES}. */
export type MobilenetPresetName = (typeof MOBILENET_PRESET_NAMES)[number];
