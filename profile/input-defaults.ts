/**
 * What the profiler chooses for a model's inputs when the file does not say, said out loud:
 * dynamic dims filled with defaults (no `--shape`) and integer inputs (token ids) fed zeros.
 * Each becomes a status line and a typed warning on the model's rows; `--shape` for an input
 * no model has is an error.
 */
import type { Warning } from "../formats/run/results-schema.ts";
import { concreteShape, type InputSpec } from "./model-facts.ts";

/** ONNX element types the feeder fills with zeros rather than random values (integers, bool). */
const ZERO_FED: Readonly<Record<number, string>> = { 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 9: "bool" };

/** The dims `input` runs at, axis 0 = `batch` (what plan.json records), or undefined when the batch cannot be applied. */
export function usedShape(input: InputSpec, batch: number, shapes: Readonly<Record<string, readonly number[]>>): number[] | undefined {
  const s = concreteShape(input, batch, shapes);
  return "shape" in s ? s.shape : undefined;
}

/** The warnings of a model's inputs at `batch`: defaulted dynamic dims (no `--shape`) and zero-fed integer inputs. */
export function inputWarnings(inputs: readonly InputSpec[], batch: number, shapes: Readonly<Record<string, readonly number[]>>): Warning[] {
  const out: Warning[] = [];
  for (const input of inputs) {
    const shape = usedShape(input, batch, shapes);
    const defaulted = input.dims.some((d, i) => i > 0 && typeof d !== "number");
    if (shape && defaulted && !shapes[input.name]) {
      const dims = input.dims.map((d) => (typeof d === "number" ? d : (d ?? "?"))).join("x");
      out.push({
        code: "input-default",
        text: `input "${input.name}" has dynamic dims ${dims}; ran at ${shape.join("x")} (defaults); give --shape ${input.name}=${shape.map((d, i) => (i === 0 ? 1 : d)).join("x")} with the real size`,
        figures: {},
      });
    }
    const type = ZERO_FED[input.elemType];
    if (type) {
      out.push({
        code: "input-default",
        text: `input "${input.name}" is ${type}: fed all zeros (the profiler cannot make valid ${type === "bool" ? "masks" : "ids"}); timings of data-dependent ops may differ with real inputs`,
        figures: {},
      });
    }
  }
  return out;
}

/**
 * Checks every `--shape` name is an input of some model; throws naming the bad name and
 * listing the inputs each model has.
 */
export function checkShapeNames(shapes: Readonly<Record<string, readonly number[]>>, models: readonly { name: string; inputs: readonly InputSpec[] }[]): void {
  const known = new Set(models.flatMap((m) => m.inputs.map((i) => i.name)));
  const unknown = Object.keys(shapes).filter((n) => !known.has(n));
  if (unknown.length === 0) return;
  const have = models.map((m) => `${m.name}: ${m.inputs.map((i) => i.name).join(", ") || "(none)"}`).join("; ");
  throw new Error(`--shape ${unknown.map((n) => `"${n}"`).join(", ")}: no model has an input of that name. Inputs: ${have}`);
}
