/**
 * `runProfile` as cli/profile-command.ts calls it: with pipeline/'s `suitePreparer`, which
 * turns `--models` / `--onnx` into the files to measure (training, exporting and quantizing
 * what is missing). The profile stage itself only measures files.
 */
import type { ProfileOptions } from "../formats/options/profile-options.ts";
import { suitePreparer } from "../pipeline/index.ts";
import type { EpRegistry } from "../profile/ep-registry.ts";
import { runProfile as runProfileStage, type ProfileRun } from "../profile/run-profile.ts";
import type { SuitePreparer } from "../profile/suite-file.ts";

/** {@link runProfileStage} with pipeline/'s suite preparer unless another is given. */
export function runProfile(input?: ProfileOptions, registry?: EpRegistry, suite: SuitePreparer = suitePreparer): Promise<ProfileRun> {
  return runProfileStage(input, registry, suite);
}
