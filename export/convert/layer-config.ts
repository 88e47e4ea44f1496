/** Typed readers for tfjs layer configs and weights (`getConfig()` is loosely typed). */
import type { TfLayer } from "./converter-types.ts";
import { UnsupportedLayerError } from "./converter-types.ts";

type Config = Readonly<Record<string, unknown>>;

/** A `[rows, columns]` setting given as a number or a pair (kernelSize, strides, poolSize, dilationRate). */
export function configPair(config: Config, key: string, fallback?: readonly [number, number]): [number, number] {
  const value = config[key] ?? fallback;
  if (typeof value === "number") return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number")) {
    return [value[0] as number, value[1] as number];
  }
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "number") return [value[0], value[0]];
  throw new UnsupportedLayerError(`setting "${key}" = ${JSON.stringify(value)} is not a number or a pair of numbers`);
}

/** A string setting, or `fallback` when absent. */
export function configString(config: Config, key: string, fallback: string): string {
  const value = config[key] ?? fallback;
  if (typeof value !== "string") throw new UnsupportedLayerError(`setting "${key}" = ${JSON.stringify(value)} is not a string`);
  return value;
}

/** A number setting, `fallback` when absent or null. */
export function configNumber(config: Config, key: string, fallback: number): number {
  const value = config[key] ?? fallback;
  if (typeof value !== "number") throw new UnsupportedLayerError(`setting "${key}" = ${JSON.stringify(value)} is not a number`);
  return value;
}

/** Refuses `channelsFirst` layers: the converter assumes the tfjs default (NHWC). */
export function requireChannelsLast(config: Config): void {
  const format = config.dataFormat ?? "channelsLast";
  if (format !== "channelsLast") {
    throw new UnsupportedLayerError(`dataFormat "${String(format)}" is not supported (only channelsLast)`);
  }
}

/** `valid` or `same` padding; anything else is refused. */
export function paddingMode(config: Config): "valid" | "same" {
  const padding = configString(config, "padding", "valid");
  if (padding !== "valid" && padding !== "same") {
    throw new UnsupportedLayerError(`padding "${padding}" is not supported. Supported: same, valid`);
  }
  return padding;
}

/** A layer weight by its short name (`kernel`, `bias`, `gamma`, ...): data and shape; undefined when absent. */
export function layerWeight(layer: TfLayer, shortName: string): { data: Float32Array; shape: number[] } | undefined {
  const variable = layer.weights.find((w) => w.name.split("/").pop() === shortName || w.originalName.split("/").pop() === shortName);
  if (!variable) return undefined;
  const tensor = variable.read();
  return { data: Float32Array.from(tensor.dataSync() as Float32Array), shape: tensor.shape };
}

/** Like {@link layerWeight} but the weight must exist. */
export function requiredWeight(layer: TfLayer, shortName: string): { data: Float32Array; shape: number[] } {
  const weight = layerWeight(layer, shortName);
  if (!weight) {
    throw new UnsupportedLayerError(`weight "${shortName}" not found (has: ${layer.weights.map((w) => w.name).join(", ") || "none"})`);
  }
  return weight;
}

/** The single input of a layer that takes exactly one. */
export function singleInput<T>(inputs: readonly T[]): T {
  const [first] = inputs;
  if (inputs.length !== 1 || first === undefined) throw new UnsupportedLayerError(`expected 1 input, got ${inputs.length}`);
  return first;
}
