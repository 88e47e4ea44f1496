/**
 * The field types every stage's options schema is built from (`train/train-options.ts`,
 * `export/export-options.ts`, `profile/profile-options.ts`, `reports/report-options.ts`).
 * Each field is a zod schema of the typed value (what the API, a config file and the
 * recorded settings hold) registered with how to read it from a command-line flag and the
 * message for a bad value, which names the value and the valid ones. The CLI (`cli/parse-flags.ts`)
 * builds its flags from these fields, so a flag, the API and a config file reject a bad
 * value with the same words.
 */
import { z } from "zod";

/** How a field reads a flag's text, and what it says about a bad value. */
export interface OptionField {
  /** The typed value of a flag's text (validated by the field's schema afterwards); throws {@link message} for text that is not one. */
  readonly fromFlag: (raw: string) => unknown;
  /** The error for a bad value: the flag's text or the value given (a list's bad element). */
  readonly message: (value: unknown) => string;
}

/** The field registry: schema → {@link OptionField}. */
export const optionFields = z.registry<OptionField>();

function field<T extends z.ZodType>(schema: T, meta: OptionField): T {
  optionFields.add(schema, meta);
  return schema;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

function invalid(name: string, expected: string): (value: unknown) => string {
  return (value) => `Invalid ${name} "${text(value)}": expected ${expected}`;
}

/** Whole numbers ≥ `min` (zod's own message, `Too small: expected number to be >0`, is what a config file's error shows). */
function atLeast(min: number) {
  return min === 1 ? z.number().int().positive() : z.number().int().min(min);
}

function wholeNumber(raw: string, message: (value: unknown) => string): number {
  if (!/^\s*\d+\s*$/.test(raw)) throw new Error(message(raw));
  return Number(raw);
}

/** A whole number ≥ `min`: `Invalid epochs "0": expected a whole number ≥ 1`. */
export function int(name: string, min = 1, expected = `a whole number ≥ ${min}`) {
  const message = invalid(name, expected);
  return field(atLeast(min), { message, fromFlag: (raw) => wholeNumber(raw, message) });
}

/** A number in [min, max] (`(min` with `exclusiveMin`, `max)` with `exclusiveMax`): `Invalid percentile "120": expected a number in (0, 100]`. */
export function num(name: string, min: number, max: number, { exclusiveMin = false, exclusiveMax = false } = {}) {
  const message = invalid(name, `a number in ${exclusiveMin ? "(" : "["}${min}, ${max}${exclusiveMax ? ")" : "]"}`);
  const schema = z.number().refine((n) => Number.isFinite(n) && (exclusiveMin ? n > min : n >= min) && (exclusiveMax ? n < max : n <= max));
  return field(schema, {
    message,
    fromFlag: (raw) => {
      if (raw.trim() === "" || !Number.isFinite(Number(raw))) throw new Error(message(raw));
      return Number(raw);
    },
  });
}

/** One of `values`: `Unknown calibration method "kl". Expected one of: minmax, percentile, entropy`. */
export function choice<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return field(z.enum(values), { message: (v) => `Unknown ${name} "${text(v)}". Expected one of: ${values.join(", ")}`, fromFlag: (raw) => raw });
}

/**
 * A comma-separated list of `values` (empty text = none): `Unknown precision "int4". Expected
 * one of: fp32, int8, ...` names the bad element. `wording` is "one of" or "any of".
 */
export function list<const T extends readonly [string, ...string[]]>(name: string, values: T, wording = "one of") {
  return field(z.array(z.enum(values)), {
    message: (v) => `Unknown ${name} "${text(v)}". Expected ${wording}: ${values.join(", ")}`,
    fromFlag: (raw) =>
      raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
  });
}

/** A comma-separated list of names not known here (zoo models, EPs: the stage checks them). */
export function names() {
  return field(z.array(z.string()), {
    message: (v) => `Invalid name "${text(v)}"`,
    fromFlag: (raw) =>
      raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
  });
}

/** Paths given one per word of a variadic flag (`--onnx a.onnx b.onnx`). */
export function paths() {
  return field(z.array(z.string()), { message: (v) => `Invalid path "${text(v)}"`, fromFlag: (raw) => [raw] });
}

/** A comma-separated list of whole numbers ≥ `min` (`--batch 1,8,32`); the message names the bad element. */
export function intList(name: string, min: number, expected: string) {
  const message = invalid(name, expected);
  return field(z.array(atLeast(min)), { message, fromFlag: (raw) => raw.split(",").map((s) => wholeNumber(s.trim(), message)) });
}

/** `HxW` (e.g. `32x32`) as [height, width] pixels. */
export function size(name: string) {
  const message = invalid(name, "HEIGHTxWIDTH in pixels, e.g. 32x32");
  return field(z.tuple([z.number().int().min(1), z.number().int().min(1)]), {
    message,
    fromFlag: (raw) => {
      const m = /^(\d+)x(\d+)$/.exec(raw.trim());
      if (!m) throw new Error(message(raw));
      return [Number(m[1]), Number(m[2])];
    },
  });
}

/** Input shapes by input name (`--shape data=1x3x224x224`, one entry per word). */
export function shapes() {
  const message = (v: unknown) => `Invalid shape "${text(v)}": expected name=dims with positive dims, like data=1x3x224x224`;
  return field(z.record(z.string(), z.array(z.number().int().positive())), {
    message,
    fromFlag: (raw) => {
      const m = /^(.+)=(\d+(?:x\d+)*)$/.exec(raw.trim());
      if (!m || !m[1] || !m[2] || m[2].split("x").some((d) => Number(d) <= 0)) throw new Error(message(raw));
      return { [m[1]]: m[2].split("x").map(Number) };
    },
  });
}

/** The {@link OptionField} of a field, looking through `.optional()`, `.nullable()`, `.default()` and `.describe()`. */
export function fieldOf(schema: z.ZodType): OptionField | undefined {
  for (let s: z.ZodType | undefined = schema; s; s = (s.def as { innerType?: z.ZodType }).innerType) {
    const meta = optionFields.get(s);
    if (meta) return meta;
  }
  return undefined;
}

/** The `.default()` value of a field, if it has one. */
export function defaultOf(schema: z.ZodType): unknown {
  for (let s: z.ZodType | undefined = schema; s; s = (s.def as { innerType?: z.ZodType }).innerType) {
    if (s.def.type === "default") return (s.def as unknown as { defaultValue: unknown }).defaultValue;
  }
  return undefined;
}

/** The allowed values of an enum field (for commander's `.choices()`). */
export function choicesOf(schema: z.ZodType): string[] | undefined {
  for (let s: z.ZodType | undefined = schema; s; s = (s.def as { innerType?: z.ZodType }).innerType) {
    if (s instanceof z.ZodEnum) return s.options.map(String);
  }
  return undefined;
}

/** The message of a failed parse: the field's own when the bad value is in one, else `<path>: <zod message>`. */
function issueMessage(schema: z.ZodType, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  const key = issue.path[0];
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  const fieldSchema = typeof key === "string" ? shape[key] : undefined;
  const meta = fieldSchema ? fieldOf(fieldSchema) : undefined;
  if (meta && issue.path.length <= 2 && "input" in issue && issue.input !== undefined) return meta.message(issue.input);
  const keys = "keys" in issue && Array.isArray(issue.keys) ? `: ${issue.keys.join(", ")}` : "";
  return `${issue.path.join(".") || "(root)"}: ${issue.message}${keys}`;
}

/** Parses `input` with `schema`; a bad value throws its field's message (`Invalid epochs "0": expected a whole number ≥ 1`). */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new Error(issueMessage(schema, parsed.error));
  return parsed.data;
}

/** The typed value of a flag's text for `schema` (a field); throws the field's message. */
export function flagValue(schema: z.ZodType, raw: string): unknown {
  const meta = fieldOf(schema);
  const value = meta ? meta.fromFlag(raw) : raw;
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    meta
      ? meta.message(issue && "input" in issue && issue.input !== undefined && issue.path.length > 0 ? issue.input : raw)
      : (issue?.message ?? parsed.error.message),
  );
}

type WithoutDefault<T> = T extends z.ZodDefault<infer I> ? I : T;

/**
 * `shape` with every field optional and no defaults applied: the form of a config file
 * (flags and defaults apply after it) and of recorded settings (older records lack newer keys).
 */
export function optionalFields<T extends Readonly<Record<string, z.ZodType>>>(shape: T): { [K in keyof T]: z.ZodOptional<WithoutDefault<T[K]>> } {
  return Object.fromEntries(Object.entries(shape).map(([key, s]) => [key, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s).optional()])) as {
    [K in keyof T]: z.ZodOptional<WithoutDefault<T[K]>>;
  };
}
