/**
 * The one way the harness creates an output folder. Node 20's `mkdir(…, { recursive: true })`
 * spins forever on procfs (ENOENT for the child, EEXIST for the parent) and reports a
 * read-only disk as ENOENT; this walks the path itself, one plain `mkdir` per missing folder,
 * so any folder that cannot be made fails at once with its reason and the fix.
 */
import { access, constants, mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Why a folder could not be made, as a sentence naming `dir` and the fix (`flag`: the option that chose it, e.g. `--out`). */
export function outputDirError(dir: string, code: string | undefined, parent: string, flag?: string): Error {
  const fix = `Fix: ${flag ? `give ${flag} a folder` : "choose a folder"} you can write to`;
  const why: Record<string, string> = {
    EACCES: `no permission to write in "${parent}" (EACCES)`,
    EPERM: `"${parent}" does not allow new folders (EPERM)`,
    EROFS: `"${parent}" is on a read-only file system (EROFS)`,
    ENOENT: `"${parent}" exists but does not accept new folders (ENOENT: a virtual file system such as /proc or /sys)`,
    ENOTDIR: `"${parent}" is a file, not a folder (ENOTDIR)`,
    ENOSPC: `the disk holding "${parent}" is full (ENOSPC)`,
    EDQUOT: `the disk quota for "${parent}" is used up (EDQUOT)`,
  };
  const reason = (code && why[code]) ?? `${code ?? "unknown error"} in "${parent}"`;
  const err = new Error(`Cannot create the output folder "${dir}": ${reason}. ${fix}.`);
  return Object.assign(err, { code });
}

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Makes `dir` and any missing parents (like `mkdir -p`) and checks it can be written to;
 * throws {@link outputDirError} otherwise. Returns the absolute path.
 * @param flag the option that chose `dir`, named in the fix (e.g. `--out`).
 */
export async function ensureOutputDir(dir: string, flag?: string): Promise<string> {
  const abs = resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    const found = await stat(existing).then(
      (s) => (s.isDirectory() ? "dir" : "file"),
      (e: unknown) => codeOf(e),
    );
    if (found === "dir") break;
    if (found === "file") throw outputDirError(abs, "ENOTDIR", existing, flag);
    if (found === "ENOTDIR") throw outputDirError(abs, "ENOTDIR", dirname(existing), flag);
    if (found !== "ENOENT" || dirname(existing) === existing) throw outputDirError(abs, found, existing, flag);
    missing.unshift(existing);
    existing = dirname(existing);
  }
  let parent = existing;
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (e) {
      // Another process made it meanwhile: fine when it is a folder.
      const isDir =
        codeOf(e) === "EEXIST" &&
        (await stat(d).then(
          (s) => s.isDirectory(),
          () => false,
        ));
      if (!isDir) throw outputDirError(abs, codeOf(e), parent, flag);
    }
    parent = d;
  }
  try {
    await access(abs, constants.W_OK);
  } catch (e) {
    throw outputDirError(abs, codeOf(e), abs, flag);
  }
  return abs;
}
