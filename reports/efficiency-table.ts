/**
 * The hardware-efficiency table: one row per model × precision × EP × batch with
 * accuracy, latency, throughput, memory, size and training cost. Rows of an EP that could
 * not start are left out (a note names the EP once, with reason and fix); other skipped and
 * errored rows stay in the table with their reason.
 */
import type { Warning } from "../formats/run/results-schema.ts";
import { achieved, deviceP50 } from "./achieved-work.ts";
import type { ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";

const MIB = 1024 * 1024;

/**
 * The table's short form of a row warning (results.json keeps the full text): the two
 * stability warnings most rows of a busy machine carry become "noisy (CV …)" and
 * "rounds differ (…×)", so they do not stretch every row; others keep their text.
 */
export function shortWarning(warning: Warning): string {
  const f = warning.figures;
  if (warning.code === "high-cv" && f.robustCv !== undefined) return `noisy (CV ${(f.robustCv * 100).toFixed(1)}%)`;
  if (warning.code === "rounds-differ" && f.minRoundP50Ms && f.maxRoundP50Ms) return `rounds differ (${(f.maxRoundP50Ms / f.minRoundP50Ms).toFixed(2)}×)`;
  return warning.text;
}

/** The number of `text` among `notes` (first seen, first numbered), adding it when new. */
function noteNumber(notes: Map<string, number>, text: string): number {
  if (!notes.has(text)) notes.set(text, notes.size + 1);
  return notes.get(text)!;
}

/** Builds the hardware-efficiency table from a run. */
export function efficiencyTable(data: ReportData): ReportTable {
  // Largest accuracy sample per model, so a row measured on fewer images (a slow EP's time budget) says so.
  const fullCount = new Map<string, number>();
  for (const r of data.results.rows) {
    if (r.state === "ok" && r.accuracy) fullCount.set(r.model, Math.max(fullCount.get(r.model) ?? 0, r.accuracy.count));
  }
  // One numbered note per distinct text instead of the same long text on every row: energy
  // unavailability (E1), skip reasons (S1), software GPU adapters (A1, else on every WebGPU row of a GPU-less machine).
  const energyNotes = new Map<string, number>();
  const skipNotes = new Map<string, number>();
  const adapterNotes = new Map<string, number>();
  const energyNote = (text: string) => noteNumber(energyNotes, text);
  const skipNote = (text: string) => noteNumber(skipNotes, text);
  const rowNote = (w: Warning): string =>
    w.code === "software-adapter" ? `software GPU adapter, measured lighter (A${noteNumber(adapterNotes, w.text)})` : shortWarning(w);
  const notStarted = data.results.eps.filter((e) => e.state === "skipped");
  const notStartedNames = new Set(notStarted.map((e) => e.name));
  const rows: Record<string, Cell>[] = data.results.rows
    .filter((r) => !notStartedNames.has(r.ep))
    .map((r) => {
      const train = data.models.get(r.model)?.train;
      const base: Record<string, Cell> = {
        model: r.model,
        precision: r.precision,
        ep: r.ep,
        batch: r.batch,
        state: r.state,
        trainingS: train?.trainingSeconds ?? null,
      };
      if (r.state === "skipped") return { ...base, note: `skipped: see note S${skipNote(`${r.ep}: ${r.reason} Fix: ${r.fix}`)}` };
      if (r.state === "errored") return { ...base, note: r.error };
      const work = data.work.get(r.key);
      const eff = work
        ? achieved(
            work,
            deviceP50(r),
            data.ceilings.find((c) => c.ep === r.ep),
          )
        : undefined;
      return {
        ...base,
        achieved: eff ? eff.gops : null,
        achievedUnit: eff ? eff.unit : null,
        ceilingShare: eff?.ceilingShare != null ? eff.ceilingShare * 100 : null,
        bound: eff?.bound ?? null,
        joulesPerImage: r.energy?.available
          ? r.energy.joulesPerImage
          : r.energy
            ? `unavailable (E${energyNote(r.energy.unavailable.map((u) => `${u.source}: ${u.reason}. Fix: ${u.fix}`).join(" — "))})`
            : null,
        imagesPerJoule: r.energy?.available ? r.energy.imagesPerJoule : null,
        accuracy: !r.accuracy
          ? null
          : r.accuracy.count < (fullCount.get(r.model) ?? 0)
            ? `${(r.accuracy.top1 * 100).toFixed(2)} (n=${r.accuracy.count})`
            : r.accuracy.top1 * 100,
        p50: r.latency.p50,
        p95: r.latency.p95,
        throughput: r.throughput,
        roundsCv: r.roundP50s && r.roundP50s.length > 1 ? (r.roundsCv ?? 0) * 100 : null,
        peakRss: r.peakRssMiB,
        params: r.params,
        kerasParams: train?.params.total ?? null,
        size: r.sizeBytes / MIB,
        accPerM: r.accuracyPerMParams ?? (r.accuracy && r.params > 0 ? (r.accuracy.top1 * 100) / (r.params / 1e6) : null),
        note: r.warnings.map(rowNote).join("; ") || null,
      };
    });
  const notes = [
    "Latency: wall time of one session.run call at the given batch (p50 = median, p95 = 95th percentile). Throughput = batch × 1000 / median latency.",
    "Rounds CV: coefficient of variation of the row's round medians (each round a fresh process, minutes apart in the run): how far a rerun of this row may move.",
    'Note "noisy (CV …)": the robust CV (1.4826·MAD/median) of the row\'s samples is above the threshold; "rounds differ (CV …)": its round medians disagree by more than that. The full texts are in results.json.',
    "Peak memory: peak resident set of the measuring child process (includes Node.js and ONNX Runtime), MiB.",
    "Accuracy per million parameters = top-1 accuracy in percent ÷ (ONNX parameters / 10⁶).",
    "Params (Keras): the model summary's count, as the notebooks print it (batch norm counted); Params (ONNX): the exported graph's initializer elements (batch norm after a conv folded into it; INT8 files count their int8 weights).",
    "Achieved = the row's work per session.run (FLOPs counted from the ONNX graph, 1 MAC = 2 FLOPs; integer ops for INT8 graphs, as GOP/s) ÷ p50. % of ceiling: achieved ÷ the EP's measured FP32 (or INT8) compute ceiling on this machine (see Measured ceilings). Bound: the roof the row is under at its arithmetic intensity: compute, memory (bandwidth × intensity below the compute ceiling), or cache (below the ridge but faster than the measured DRAM bandwidth allows: the working set stays in the CPU caches).",
  ];
  for (const [text, n] of skipNotes) notes.push(`S${n}. ${text}`);
  const hasWork = data.results.rows.some((r) => data.work.has(r.key));
  const hasEnergy = data.results.rows.some((r) => r.state === "ok" && r.energy);
  if (!hasWork)
    notes.splice(
      notes.findIndex((n) => n.startsWith("Achieved = ")),
      1,
    );
  if (hasEnergy) {
    notes.push(
      "Energy: joules of the row's timed block (warm-up included) from the hardware's own counters (Linux powercap/RAPL package and DRAM zones, nvidia-smi total_energy_consumption), minus the idle power measured for 1 s before the child's first batch × the block's length, ÷ the images inferred. Never estimated: where no counter is readable the row says why.",
    );
  }
  for (const [text, n] of energyNotes) notes.push(`E${n}. Energy unavailable: ${text}`);
  for (const [text, n] of adapterNotes) notes.push(`A${n}. ${text}.`);
  for (const e of notStarted) {
    if (e.state !== "skipped") continue;
    const n = data.results.rows.filter((r) => r.ep === e.name).length;
    notes.unshift(`EP ${e.name} could not start here, so its ${n} row${n === 1 ? " is" : "s are"} not shown: ${e.reason} Fix: ${e.fix}`);
  }
  if (fullCount.size > 0)
    notes.push("Accuracy with (n=…): measured on the first n test images only (the EP's time budget ran out), so not comparable to the full-test-set figure.");
  if (data.results.stability.highCvRows.length > 0) {
    notes.push(`Noisy rows (latency CV above ${data.results.stability.cvThreshold}): ${data.results.stability.highCvRows.join(", ")}.`);
  }
  return {
    id: "efficiency",
    title: "Hardware efficiency",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "state", header: "State" },
      { key: "accuracy", header: "Accuracy", unit: "%", digits: 2 },
      { key: "p50", header: "p50", unit: "ms", digits: 3 },
      { key: "p95", header: "p95", unit: "ms", digits: 3 },
      { key: "throughput", header: "Throughput", unit: "img/s", digits: 0 },
      // the efficiency columns appear when the run has work counts; the energy ones when rows were metered
      ...(hasWork
        ? [
            { key: "achieved", header: "Achieved", digits: 2 },
            { key: "achievedUnit", header: "Unit" },
            { key: "ceilingShare", header: "Of ceiling", unit: "%", digits: 1 },
            { key: "bound", header: "Bound" },
          ]
        : []),
      ...(hasEnergy
        ? [
            { key: "joulesPerImage", header: "Energy", unit: "J/image", digits: 5 },
            { key: "imagesPerJoule", header: "Images per joule", digits: 1 },
          ]
        : []),
      { key: "roundsCv", header: "Rounds CV", unit: "%", digits: 1 },
      { key: "peakRss", header: "Peak RSS", unit: "MiB", digits: 1 },
      { key: "kerasParams", header: "Params (Keras)", digits: 0 },
      { key: "params", header: "Params (ONNX)", digits: 0 },
      { key: "size", header: "Size", unit: "MiB", digits: 3 },
      { key: "accPerM", header: "Accuracy per M params", unit: "%/M", digits: 1 },
      { key: "trainingS", header: "Training time", unit: "s", digits: 1 },
      { key: "note", header: "Note" },
    ],
    rows,
    notes,
  };
}
