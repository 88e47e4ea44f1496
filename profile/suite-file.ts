/**
 * What the profile stage measures: ONNX files, each at a precision. Turning the user's model
 * choice (`--models`, `--onnx`, `--precision`) into these files (training, exporting,
 * quantizing what is missing) is pipeline/'s; `runProfile` receives it as a {@link SuitePreparer}.
 */
import type { Precision, ResolvedProfileOptions } from "../formats/options/profile-options.ts";
import type { Warning } from "../formats/run/results-schema.ts";

/** One ONNX file to profile, with the precision it was exported at. */
export interface SuiteFile {
  readonly path: string;
  readonly precision: Precision;
  /** Model name for the rows (foreign files and their quantized versions share it); default from the file. */
  readonly model?: string;
  /** Set when this precision cannot be made here: its rows are skipped with this reason and fix (the file is never read). */
  readonly skip?: { readonly reason: string; readonly fix: string };
  /** Said on every row of this file (e.g. INT8 calibrated on generated inputs). */
  readonly warnings?: readonly Warning[];
}

/**
 * Makes the files a fresh run profiles; `runProfile` calls {@link SuitePreparer.check} before
 * probing the EPs and {@link SuitePreparer.files} while planning the rows (after probing).
 */
export interface SuitePreparer {
  /** Checks the model choice before any work (e.g. zoo model names); throws an error naming the bad value. */
  check(o: ResolvedProfileOptions): Promise<void>;
  /** The files to profile, in row order; may train, export or quantize what is missing (logging through `o.log`). */
  files(o: ResolvedProfileOptions): Promise<SuiteFile[]>;
}
