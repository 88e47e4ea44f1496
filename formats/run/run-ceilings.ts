/**
 * A run directory's `ceilings.json`: the machine's measured ceilings per EP as the profile
 * run found them in the cache (`ceiling-cache.ts`) or measured them when it finished, so the
 * report's roofline reads the run directory alone. Runs made before the file existed have none.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EpCeilingsSchema, type EpCeilings } from "./ceiling-cache.ts";
import { RUN_FILES } from "./results-schema.ts";

/** Zod schema of a run's `ceilings.json`. */
export const RunCeilingsSchema = z.object({
  schemaVersion: z.literal(1),
  /** The cache file the entries came from (`<out>/ceilings/<host>-<fingerprint>.json`). */
  cache: z.string(),
  eps: z.array(EpCeilingsSchema),
});

/** A run's `ceilings.json`. */
export type RunCeilings = z.infer<typeof RunCeilingsSchema>;

/** Writes `entries` to `runDir`'s `ceilings.json` (replacing it); returns the file path. */
export async function writeRunCeilings(runDir: string, cache: string, entries: readonly EpCeilings[]): Promise<string> {
  const path = join(runDir, RUN_FILES.ceilings);
  const file: RunCeilings = { schemaVersion: 1, cache, eps: [...entries] };
  await writeFile(path, JSON.stringify(file, null, 2) + "\n");
  return path;
}

/**
 * Reads `runDir`'s recorded ceilings: undefined when the run has no `ceilings.json` (an
 * older run, `--no-report`, or a run whose ceilings could not be measured).
 * @throws Error naming the file when it exists but cannot be read or is not a ceilings record.
 */
export async function readRunCeilings(runDir: string): Promise<EpCeilings[] | undefined> {
  const path = join(runDir, RUN_FILES.ceilings);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read "${path}": ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`Invalid "${path}": ${(e as Error).message}. Delete it to fall back to the machine's ceilings cache.`);
  }
  const parsed = RunCeilingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid "${path}": ${issue?.path.join(".") || "(root)"}: ${issue?.message}. Delete it to fall back to the machine's ceilings cache.`);
  }
  return parsed.data.eps;
}
