/**
 * `npm run report`: `--run <dir>` writes a run's report; `--compare <runA> <runB> ...`
 * compares runs or machines row by row; `--lab <folder>` writes one report over every run
 * dir in a folder (many machines).
 */
import type { Command } from "commander";
import { REPORT_DEFAULTS, ReportOptionsSchema, type ReportOptions } from "../formats/options/report-options.ts";
import { addFlags, flagOptions, type Flag } from "./parse-flags.ts";

/** The `report` flags of {@link ReportOptionsSchema}'s fields (`--run`, `--compare`, `--lab` and `--reference` pick what to write). */
const REPORT_FLAGS: readonly Flag[] = [
  { flags: "--out <dir>", key: "outDir" },
  { flags: "--models-dir <dirs...>", key: "modelDirs" },
  { flags: "--no-images", key: "modelImages" },
  { flags: "--no-confusion", key: "confusion" },
  { flags: "--training-batch <n>", showDefault: JSON.stringify(String(REPORT_DEFAULTS.trainingBatch)) },
];

/** What the command itself reads: which report to write. */
interface ReportFlags {
  run?: string;
  compare?: string[];
  lab?: string;
  reference?: string;
  out?: string;
}

/** Registers the `report` command on the CLI program. */
export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("Write the report of a profile run (report.html, report.md, plots/, tables/) or compare runs")
    .argument("[run dir]", "run directory to report on (same as --run)")
    .option("--run <dir>", "run directory (artifacts/runs/<timestamp>-<host>) to report on")
    .option("--compare <dirs...>", "run directories to compare row by row; the first is the baseline")
    .option("--lab <folder>", "one cross-machine report over every run dir under this folder (copied from many machines, or the Slurm job's shared folder)")
    .option("--reference <machine>", "with --lab: the machine (hostname, label or run id) ratios are taken to (default: the first by name)");
  addFlags(command, ReportOptionsSchema.shape, REPORT_FLAGS)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  npm run report -- artifacts/runs/2025-01-01T00-00-00Z-host",
        "  npm run report -- --compare artifacts/runs/A artifacts/runs/B",
        "  npm run report -- --lab /shared/lab-runs --reference node01",
      ].join("\n"),
    )
    .action(async (runDir: string | undefined, flags: ReportFlags, cmd: Command) => {
      if (runDir && flags.run && runDir !== flags.run) throw new Error(`Give the run dir once: "${runDir}" and --run "${flags.run}" differ`);
      if (runDir) flags = { ...flags, run: runDir };
      const reports = await import("../reports/index.ts");
      const options = flagOptions(REPORT_FLAGS, { ...flags }, cmd) as ReportOptions;
      if (flags.lab) {
        if (flags.run || flags.compare?.length) throw new Error("Give one of --run <dir>, --compare <dirs...> or --lab <folder>");
        const lab = await reports.writeLabReport(flags.lab, {
          ...(flags.out ? { outDir: flags.out } : {}),
          ...(flags.reference ? { reference: flags.reference } : {}),
        });
        console.log(`lab report over ${lab.machines.length} machine(s) (${lab.machines.join(", ")}): ${lab.html}\nmarkdown: ${lab.markdown}`);
        return;
      }
      if (flags.compare?.length) {
        if (flags.run) throw new Error("Give either --run <dir> or --compare <dirs...>, not both");
        const out = flags.out ?? flags.compare[0] ?? ".";
        console.log(`comparison: ${await reports.writeComparison(flags.compare, out)}`);
        return;
      }
      if (!flags.run) throw new Error("Give a run dir (npm run report -- <run dir>), or --compare <runA> <runB> ... (run dirs are in artifacts/runs/)");
      const written = await reports.writeReport(flags.run, { ...options, log: (line) => console.log(line) });
      console.log(`markdown: ${written.markdown}\nplots: ${written.plots.length}, tables: ${written.tables.length / 2}`);
    });
}
