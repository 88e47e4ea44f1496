/** Exports redo only what changed: per precision, and the tuned int8 per machine (fake records and fingerprints). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExportRecord, MachineTuning, PrecisionRecord } from "../formats/export-record.ts";
import { EXPORT_DEFAULTS, ExportRecordOptionsSchema, type Precision } from "../formats/options/export-options.ts";
import type { TunedMachine, TuningRecord } from "../formats/tuning-record.ts";
import { planExport, type ExportState } from "../export/freshness.ts";
import { cpuinfoFlags, machineFingerprint, machineLabel, tunerThreadSearch } from "../export/tune/machine-fingerprint.ts";

const facts = (cpuModel: string, logicalCpus: number, flags: string[]): Omit<TunedMachine, "id"> => ({
  cpuModel,
  logicalCpus,
  physicalCores: logicalCpus,
  flags,
  ortVersion: "1.30.0",
  ep: "cpu",
  threads: logicalCpus === 2 ? 1 : 16,
});
const A = machineFingerprint(facts("AMD EPYC", 2, ["avx512_vnni", "avx2"]));
const B = machineFingerprint(facts("Intel Xeon", 16, ["amx_int8", "avx512_vnni"]));

function options(precisions: Precision[], extra: Partial<ExportRecord["options"]> = {}): ExportRecord["options"] {
  const recorded = Object.keys(ExportRecordOptionsSchema.shape).map((k) => [k, (EXPORT_DEFAULTS as Record<string, unknown>)[k]]);
  return { ...Object.fromEntries(recorded), precisions, parityLimit: null, ...extra } as ExportRecord["options"];
}

function precision(p: Precision, file = `model.${p}.onnx`): PrecisionRecord {
  const parity = { reference: "fp32" as const, count: 10, top1Agreement: 1, maxAbsDiff: 0, meanAbsDiff: 0, thresholds: null };
  return { precision: p, file, bytes: 1, opHistogram: {}, quantization: null, parity, accuracy: 0.9, seconds: 1 } as unknown as PrecisionRecord;
}

function tuning(machine: TunedMachine): TuningRecord {
  return {
    ep: "cpu",
    machine,
    batch: 32,
    intraOpThreads: 0,
    accuracyBudgetPoints: 0.3,
    validation: { split: "train", images: 10 },
    fp32Accuracy: null,
    measureMs: 1,
    cycles: 1,
    opProfile: null,
    candidates: [],
    chosen: "all",
    why: "test",
    seconds: 1,
  };
}

function record(precisions: Precision[], machine: TunedMachine, extra: Partial<ExportRecord["options"]> = {}): ExportRecord {
  return {
    options: options(precisions, extra),
    precisions: precisions.map((p) => (p === "int8" ? precision(p, `tuning/${machine.id}/model.int8.onnx`) : precision(p))),
    tuning: tuning(machine),
  } as unknown as ExportRecord;
}

const everyFile = () => true;
const plan = (state: Partial<ExportState> & Pick<ExportState, "record">, o: ExportRecord["options"]) => {
  const p = planExport({ present: everyFile, machineId: A.id, ...state }, o);
  return {
    reuse: p.reuse.map((r) => `${r.precision}:${r.file}`),
    make: p.make.map((m) => `${m.precision}: ${m.reason}`),
    tunedOn: p.tuning?.machine?.id ?? null,
  };
};

test("machine fingerprints: the same facts give the same id whatever the flag order, other facts another id; named in words", () => {
  assert.equal(machineFingerprint(facts("AMD EPYC", 2, ["avx2", "avx512_vnni"])).id, A.id);
  assert.match(A.id, /^[0-9a-f]{12}$/);
  assert.notEqual(A.id, B.id);
  assert.notEqual(machineFingerprint({ ...facts("AMD EPYC", 2, ["avx2", "avx512_vnni"]), ortVersion: "1.29.0" }).id, A.id);
  assert.deepEqual(A.flags, ["avx2", "avx512_vnni"]);
  assert.equal(machineLabel(B), `Intel Xeon, 16 CPUs (16 cores), amx_int8 avx512_vnni, ORT 1.30.0, cpu at 16 threads [${B.id}]`);
  assert.deepEqual(cpuinfoFlags("processor\t: 0\nflags\t\t: fpu sse avx2 avx512_vnni amx_tile hypervisor\n"), ["avx2", "avx512_vnni", "amx_tile"]);
  assert.deepEqual(cpuinfoFlags(""), []);
  // the tuner searches ORT's default and the ladder's other rungs, or the one count asked for
  assert.deepEqual(tunerThreadSearch(0, A), [0, 2]);
  assert.deepEqual(tunerThreadSearch(0, B), [0, 1, 2, 4, 8]);
  assert.deepEqual(tunerThreadSearch(3, B), [3]);
});

test("--precision fp32,int8 after fp32,int8,fp16 exports nothing and keeps fp16; a new precision exports only itself", () => {
  const made = record(["fp32", "int8", "fp16"], A);
  assert.deepEqual(plan({ record: made }, options(["fp32", "int8"])), {
    reuse: ["fp32:model.fp32.onnx", `int8:tuning/${A.id}/model.int8.onnx`, "fp16:model.fp16.onnx"],
    make: [],
    tunedOn: A.id,
  });
  assert.deepEqual(plan({ record: made }, options(["fp32", "int8", "int8-all"])).make, ["int8-all: not exported yet"]);
  assert.deepEqual(plan({ record: made }, options(["fp32"])), {
    reuse: ["fp32:model.fp32.onnx", `int8:tuning/${A.id}/model.int8.onnx`, "fp16:model.fp16.onnx"],
    make: [],
    tunedOn: A.id,
  });
});

test("only the precisions whose options changed are made again; FP32 remade remakes everything", () => {
  const made = record(["fp32", "int8", "int8-all", "fp16"], A);
  const all: Precision[] = ["fp32", "int8", "int8-all", "fp16"];
  assert.deepEqual(plan({ record: made }, options(all, { tuneMs: 1000 })).make, ["int8: tuneMs changed"]);
  assert.deepEqual(plan({ record: made }, options(all, { calibrationSize: 100 })).make, ["int8: calibrationSize changed", "int8-all: calibrationSize changed"]);
  assert.deepEqual(plan({ record: made }, options(all, { parityLimit: 500 })).make, [
    "fp32: parityLimit changed",
    "int8: fp32 is remade (parityLimit changed)",
    "int8-all: fp32 is remade (parityLimit changed)",
    "fp16: fp32 is remade (parityLimit changed)",
  ]);
  assert.deepEqual(plan({ record: made, present: (f) => f !== "model.fp16.onnx" }, options(all)).make, ["fp16: model.fp16.onnx is missing"]);
  assert.deepEqual(plan({ record: { problem: "weights.bin is newer than export.json" } }, options(["fp32", "fp16"])).make, [
    "fp32: weights.bin is newer than export.json",
    "fp16: weights.bin is newer than export.json",
  ]);
});

test("an int8 tuned on machine A is not reused on machine B; B's own tuning is kept beside A's and each machine uses its own", () => {
  const madeOnA = record(["fp32", "int8"], A);
  const onB = plan({ record: madeOnA, machineId: B.id }, options(["fp32", "int8"]));
  assert.deepEqual(onB.make, [`int8: int8 was tuned on another machine (AMD EPYC, 2 CPUs [${A.id}]), not this one [${B.id}]`]);
  // B tuned: its folder holds its file and record; export.json now names B's, A's folder untouched
  const bTuning: MachineTuning = {
    schemaVersion: 1,
    options: options(["fp32", "int8"]),
    precision: precision("int8", `tuning/${B.id}/model.int8.onnx`),
    tuning: tuning(B),
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  const madeOnB = record(["fp32", "int8"], B);
  assert.deepEqual(plan({ record: madeOnB, machineId: B.id, machineTuning: bTuning }, options(["fp32", "int8"])), {
    reuse: ["fp32:model.fp32.onnx", `int8:tuning/${B.id}/model.int8.onnx`],
    make: [],
    tunedOn: B.id,
  });
  // back on A with export.json naming B's: A's own folder serves, nothing is tuned
  const aTuning: MachineTuning = { ...bTuning, precision: precision("int8", `tuning/${A.id}/model.int8.onnx`), tuning: tuning(A) };
  assert.deepEqual(plan({ record: madeOnB, machineId: A.id, machineTuning: aTuning }, options(["fp32", "int8"])), {
    reuse: ["fp32:model.fp32.onnx", `int8:tuning/${A.id}/model.int8.onnx`],
    make: [],
    tunedOn: A.id,
  });
  // A's folder made with other tuning options does not serve
  assert.deepEqual(plan({ record: madeOnB, machineId: A.id, machineTuning: aTuning }, options(["fp32", "int8"], { tuneBatch: 8 })).make, [
    "int8: tuneBatch changed",
  ]);
  // a record from before machines were named is another machine's
  const unnamed = { ...madeOnA, tuning: { ...tuning(A), machine: undefined } } as unknown as ExportRecord;
  assert.deepEqual(plan({ record: unnamed }, options(["fp32", "int8"])).make, [`int8: int8 was tuned on an unnamed machine, not this one [${A.id}]`]);
  // untuned int8 does not depend on the machine
  const untuned = { ...record(["fp32", "int8"], A, { tune: false }), tuning: null } as unknown as ExportRecord;
  assert.deepEqual(plan({ record: untuned, machineId: undefined }, options(["fp32", "int8"], { tune: false })).make, []);
});
