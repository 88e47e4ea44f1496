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
import { runProfileInTerminal as runInTerminal } from "../cli/profile-renderer.ts";

/** {@link runProfileStage} with pipeline/'s suite preparer unless another is given (it prints nothing). */
export function runProfile(input?: Parameters<typeof runProfileStage>[0], registry?: EpRegistry, suite: SuitePreparer = suitePreparer): Promise<ProfileRun> {
  return runProfileStage(input, registry, suite);
}

/** cli/'s terminal renderer over {@link runProfile}: the lines a user sees go to `input.log`. */
export function runProfileInTerminal(input?: ProfileOptions, registry?: EpRegistry, suite: SuitePreparer = suitePreparer): Promise<ProfileRun> {
  return runInTerminal(input, registry, suite);
}
