#!/usr/bin/env node
/**
 * The one CLI entry: parses arguments and calls the stages. Each stage's command lives in
 * `cli/<stage>-command.ts` and only translates flags into that stage's options object.
 */
import { Command } from "commander";
import { registerTrain } from "./train-command.ts";
import { registerExport } from "./export-command.ts";
import { registerProfile } from "./profile-command.ts";
import { registerReport } from "./report-command.ts";
import { visibleControls } from "../formats/terminal-text.ts";

const program = new Command("onnx-lab-profiler")
  .description("Train the CNN lab models, export them to ONNX (FP32/INT8/FP16) and profile them on every ONNX Runtime execution provider.")
  .showHelpAfterError("(add --help to list every flag and its valid values)");

registerTrain(program);
registerExport(program);
registerProfile(program);
registerReport(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`\nerror: ${visibleControls((e as Error).message)}`);
  if (process.env.DEBUG) console.error((e as Error).stack);
  process.exit(1);
});
