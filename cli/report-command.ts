/**
 * `npm run report`: `--run <dir>` writes a run's report; `--compare <runA> <runB> ...`
 * compares runs or machines row by row.
 */
import type { Command } from "commander";

interface ReportFlags {
  run?: string;
  compare?: string[];
  out?: string;
  modelsDir?: string[];
  images?: boolean;
  confusion?: boolean;
  trainingBatch?: string;
}

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new Error(`Invalid ${flag} "${value}": expected a positive integer`);
  return Number(value);
}

/** Registers the `report` command on the CLI program. */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Write the report of a profile run (report.html, report.md, plots/, tables/) or compare runs")
    .option("--run <dir>", "run directory (artifacts/runs/<timestamp>-<host>) to report on")
    .option("--compare <dirs...>", "run directories to compare row by row; the first is the baseline")
    .option("--out <dir>", "output directory (default: the run directory; for --compare, the first run's directory)")
    .option("--models-dir <dirs...>", "extra trained model directories (train.json) for the training tables, e.g. a transfer-learning MobileNetV2")
    .option("--no-images", "skip the PNG views inside the models (filters, feature maps, Grad-CAM)")
    .option("--no-confusion", "skip the confusion matrices")
    .option("--training-batch <n>", "mini-batch size N of the memory estimator's training figure", "32")
    .addHelpText("after", ["", "Examples:", "  npm run report -- --run artifacts/runs/2025-01-01T00-00-00Z-host", "  npm run report -- --compare artifacts/runs/A artifacts/runs/B"].join("\n"))
    .action(async (flags: ReportFlags) => {
      const reports = await import("../reports/index.ts");
      if (flags.compare?.length) {
        if (flags.run) throw new Error("Give either --run <dir> or --compare <dirs...>, not both");
        const out = flags.out ?? flags.compare[0] ?? ".";
        console.log(`comparison: ${await reports.writeComparison(flags.compare, out)}`);
        return;
      }
      if (!flags.run) throw new Error("Give --run <run dir> or --compare <runA> <runB> ... (run dirs are in artifacts/runs/)");
      const written = await reports.writeReport(flags.run, {
        ...(flags.out ? { outDir: flags.out } : {}),
        ...(flags.modelsDir ? { modelDirs: flags.modelsDir } : {}),
        modelImages: flags.images !== false,
        confusion: flags.confusion !== false,
        ...(flags.trainingBatch ? { trainingBatch: positiveInt("--training-batch", flags.trainingBatch) } : {}),
        log: (line) => console.log(line),
      });
      console.log(`markdown: ${written.markdown}\nplots: ${written.plots.length}, tables: ${written.tables.length / 2}`);
    });
}
