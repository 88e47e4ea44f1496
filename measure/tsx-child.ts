/** How the stages fork their TypeScript children (measuring children, training children). */

/**
 * `execArgv` for a child process that runs a `.ts` entry under tsx: `--import` with tsx's
 * specifier resolved from this package (absolute, so the child's cwd does not matter).
 */
export function tsxExecArgv(): string[] {
  let specifier = "tsx";
  try {
    specifier = import.meta.resolve("tsx");
  } catch {
    // Unresolvable here: let the child resolve the bare name.
  }
  return ["--import", specifier];
}
