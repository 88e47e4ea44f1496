/**
 * `npm run bench -- [section...]`: runs benchmark sections and writes their JSON to
 * `<out>/bench/<section>.json`. With no section, runs them all.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { type BenchSection, benchSections } from "../bench/index.ts";
import { ProfileOptionsSchema } from "../formats/options/profile-options.ts";
import { addFlags } from "./parse-flags.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

const program = new Command("bench")
  .description("Speed and memory benchmarks, measured side by side in one run and written as JSON.")
  .argument("[sections...]", `sections to run: ${benchSections.map((s) => s.name).join(", ")} (default: all)`)
  .option("--out <dir>", "artifacts root; JSON goes to <out>/bench/", "artifacts")
  .option("--quick", "short measurement (smoke test, figures less stable)", false)
  .option("--eps <list>", "EPs of the ceilings section (comma-separated: cpu, cuda, webgpu, browser-wasm, browser-webgpu)", "cpu");
addFlags(program, ProfileOptionsSchema.shape, [
  { flags: "--rounds <n>", help: "timing rounds per row of the repeatability section (default: the profiler's, 2)" },
]);
program
  .addHelpText("after", "\nSections:\n" + benchSections.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join("\n"))
  .action(async (names: string[], opts: { out: string; quick: boolean; eps: string; rounds?: number }) => {
    const chosen: BenchSection[] = [];
    for (const name of names.length ? names : benchSections.map((s) => s.name)) {
      const section = benchSections.find((s) => s.name === name);
      if (!section) {
        throw new Error(`Unknown bench section "${name}". Expected one of: ${benchSections.map((s) => s.name).join(", ")}`);
      }
      chosen.push(section);
    }
    const dir = join(opts.out, "bench");
    await ensureOutputDir(dir, "--out");
    for (const section of chosen) {
      console.log(`\n== bench ${section.name}: ${section.description}`);
      const result = await section.run({
        out: opts.out,
        quick: opts.quick,
        ...(opts.rounds !== undefined ? { rounds: opts.rounds } : {}),
        eps: opts.eps
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean),
      });
      const file = join(dir, `${section.name}.json`);
      await writeFile(file, JSON.stringify({ section: section.name, date: new Date().toISOString(), ...result }, null, 2) + "\n");
      console.log(`wrote ${file}`);
    }
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
