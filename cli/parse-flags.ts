/** Flag value parsers shared by the CLI commands; each error names the bad value and the valid ones. */
import { InvalidArgumentError } from "commander";

/** Parses a whole number ≥ `min`. */
export function intFlag(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`Invalid ${name} "${value}": expected a whole number ≥ ${min}`);
    }
    return n;
  };
}

/** Parses a number inside [min, max] (or (min, max] when `exclusiveMin`). */
export function numberFlag(name: string, min: number, max: number, exclusiveMin = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok = value.trim() !== "" && Number.isFinite(n) && (exclusiveMin ? n > min : n >= min) && n <= max;
    if (!ok) throw new InvalidArgumentError(`Invalid ${name} "${value}": expected a number in ${exclusiveMin ? "(" : "["}${min}, ${max}]`);
    return n;
  };
}

/** Parses one of `choices`. */
export function choiceFlag<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`Unknown ${name} "${value}". Expected one of: ${choices.join(", ")}`);
    }
    return value as T;
  };
}

/** Parses a comma-separated list of `choices` (empty string = none). */
export function listFlag<T extends string>(name: string, choices: readonly T[]): (value: string) => T[] {
  const one = choiceFlag(name, choices);
  return (value) => value.split(",").map((v) => v.trim()).filter(Boolean).map(one);
}

/** Parses `HxW` (e.g. `32x32`) into [height, width] pixels. */
export function sizeFlag(name: string): (value: string) => [number, number] {
  return (value) => {
    const m = /^(\d+)x(\d+)$/.exec(value.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new InvalidArgumentError(`Invalid ${name} "${value}": expected HEIGHTxWIDTH in pixels, e.g. 32x32`);
    return [Number(m[1]), Number(m[2])];
  };
}
