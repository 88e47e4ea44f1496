/**
 * The one flag-parsing style of every command: a command lists its flags as {@link Flag}s
 * naming fields of its stage's options schema; {@link addFlags} builds the commander options
 * from the fields (help text from `.describe()`, defaults from `.default()`, each flag's
 * text read and checked by the field, so a bad value fails while commander parses, naming
 * the value and the valid ones) and {@link flagOptions} turns what the user typed into a
 * partial options object for the stage's `resolve*Options`.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { z } from "zod";
import { choicesOf, defaultOf, flagValue } from "../formats/options/option-schema.ts";

/** One flag of a command. */
export interface Flag {
  /** commander's flags, e.g. `--batch-size <n>`. */
  readonly flags: string;
  /** The options key it sets; default: the flag's camel-cased name. */
  readonly key?: string;
  /** Help text; default: the field's `.describe()` text. */
  readonly help?: string;
  /** Show the field's default in the help (`(default: 300)`); a string is shown instead of the value. */
  readonly showDefault?: boolean | string;
  /** Let commander check the enum's values (or these) and list them in the help. */
  readonly choices?: boolean | readonly string[];
  /** The field, when it is not the schema's field named `key` (e.g. `--row-budget`, one key of `measure`). */
  readonly field?: z.ZodType;
}

function attributeName(flag: Flag): string {
  return new Option(flag.flags).attributeName();
}

function keyOf(flag: Flag): string {
  return flag.key ?? attributeName(flag);
}

function merge(previous: unknown, value: unknown): unknown {
  if (Array.isArray(value)) return [...(Array.isArray(previous) ? previous : []), ...value];
  if (typeof value === "object" && value !== null) return { ...(typeof previous === "object" ? previous : {}), ...value };
  return value;
}

/**
 * Adds `flags` to `command`, each read and checked by its field of `shape`; a shown default
 * is the field's `.default()`, else `defaults[key]` (a stage whose defaults a recipe may override).
 */
export function addFlags(
  command: Command,
  shape: Readonly<Record<string, z.ZodType>>,
  flags: readonly Flag[],
  defaults: Readonly<Record<string, unknown>> = {},
): Command {
  for (const flag of flags) {
    const field = flag.field ?? shape[keyOf(flag)];
    if (!field) throw new Error(`Flag ${flag.flags} has no options field "${keyOf(flag)}"`);
    const option = new Option(flag.flags, flag.help ?? field.description);
    if (option.required || option.optional) {
      const choices = Array.isArray(flag.choices) ? flag.choices : flag.choices ? choicesOf(field) : undefined;
      if (choices) {
        option.choices(choices);
      } else {
        const parse = (raw: string): unknown => {
          try {
            return flagValue(field, raw);
          } catch (e) {
            throw new InvalidArgumentError((e as Error).message);
          }
        };
        option.argParser(option.variadic ? (raw: string, previous: unknown) => merge(previous, parse(raw)) : parse);
      }
    }
    if (flag.showDefault) option.default(defaultOf(field) ?? defaults[keyOf(flag)], typeof flag.showDefault === "string" ? flag.showDefault : undefined);
    command.addOption(option);
  }
  return command;
}

/**
 * The options the user typed: `values` (commander's `opts()`) by options key. With
 * `command`, values commander filled from a default are left out, so the stage applies its
 * own defaults under a config file, a recipe or a preset.
 */
export function flagOptions(flags: readonly Flag[], values: Readonly<Record<string, unknown>>, command?: Command): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags) {
    const name = attributeName(flag);
    if (values[name] === undefined || command?.getOptionValueSource(name) === "default") continue;
    out[keyOf(flag)] = values[name];
  }
  return out;
}
