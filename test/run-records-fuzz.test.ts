/**
 * #23: fuzz-style test of the run-record reader and the metadata reader. Seeded random
 * truncations and byte flips of a real run's facts.jsonl, rounds.jsonl and results.json and
 * of a real model's ONNX metadata never crash the readers (only their own named errors) and
 * never lose a complete record: every line whose bytes are intact is read back.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRandom, type Random } from "../measure/index.ts";
import { decodeOnnx, encodeOnnx, writeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { fromMetadataProps, toMetadataProps, type HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile } from "./profile-with-suite.ts";
import { readRunResults, RUN_FILES } from "../formats/run/results-schema.ts";
import { FactsRecordSchema, TimingRecordSchema, parseRecordLine, parseRecords, readFacts, readTimings, timingKey } from "../formats/run/run-records.ts";
import type { z } from "zod";

const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
const TRIALS = 150;
const METADATA: HarnessMetadata = {
  model: "lenet",
  dataset: "synthetic",
  layout: "NCHW",
  inputShape: [1, 8, 8],
  scale: 1 / 255,
  offset: 0,
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  precision: "fp32",
  datasetSeed: 1,
};

let dir = "";
let runDir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "records-fuzz-"));
  const files = [join(dir, "a.onnx"), join(dir, "b.onnx")];
  await writeOnnx(files[0]!, buildTinyClassifier([1, 8, 8], 10, { seed: 1, metadata: METADATA }));
  await writeOnnx(files[1]!, buildTinyClassifier([1, 8, 8], 10, { seed: 2 }));
  const run = await runProfile({
    onnx: files,
    eps: ["cpu"],
    batches: [1, 2],
    rounds: 2,
    measure: FAST,
    threadCheck: false,
    progress: false,
    printTable: false,
    out: join(dir, "out"),
    log: () => undefined,
  });
  assert.equal(run.complete, true);
  runDir = run.dir;
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of `bytes` cut at a random offset, or with 1–4 random bytes flipped; and the damaged byte offsets (a cut damages everything after it). */
function damage(bytes: Buffer, random: Random): { out: Buffer; damagedFrom: (start: number, end: number) => boolean } {
  if (random() < 0.4) {
    const cut = Math.floor(random() * bytes.length);
    return { out: bytes.subarray(0, cut), damagedFrom: (_start, end) => end >= cut };
  }
  const out = Buffer.from(bytes);
  const flipped: number[] = [];
  const n = 1 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = out[at]! ^ (1 + Math.floor(random() * 255));
    flipped.push(at);
  }
  return { out, damagedFrom: (start, end) => flipped.some((f) => f >= start && f <= end) };
}

/** Each line of `bytes` with its byte span, newline included. */
function lineSpans(bytes: Buffer): { start: number; end: number; text: string }[] {
  const spans: { start: number; end: number; text: string }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    spans.push({ start, end: i, text: bytes.subarray(start, i).toString("utf8") });
    start = i + 1;
  }
  return spans;
}

function fuzzRecords<T>(name: string, bytes: Buffer, schema: z.ZodType<T>, key: (t: T) => string, seed: number): number {
  const random = seededRandom(seed);
  const lines = lineSpans(bytes);
  assert.ok(lines.length >= 4, `${name} has ${lines.length} lines`);
  let checked = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const { out, damagedFrom } = damage(bytes, random);
    const label = `${name} trial ${trial} (seed ${seed})`;
    let read: Map<string, T>;
    try {
      read = parseRecords(out.toString("utf8"), schema, key);
    } catch (e) {
      assert.fail(`${label}: the reader threw ${(e as Error).stack}`);
    }
    // The records the damaged lines still give (a flipped digit may leave a valid record of another key).
    const fromDamaged = new Set<string>();
    for (const l of lineSpans(out)) {
      const r = parseRecordLine(l.text, schema);
      if (r !== undefined) fromDamaged.add(key(r));
    }
    for (const line of lines) {
      if (damagedFrom(line.start, line.end)) continue;
      const record = schema.parse(JSON.parse(line.text));
      const k = key(record);
      assert.ok(read.has(k), `${label}: intact record ${k} lost`);
      if (JSON.stringify(read.get(k)) !== JSON.stringify(record)) assert.ok(fromDamaged.has(k), `${label}: intact record ${k} changed`);
      checked++;
    }
  }
  return checked;
}

test("damaged facts.jsonl and rounds.jsonl: no crash, every intact record read back", async () => {
  const facts = await readFile(join(runDir, RUN_FILES.facts));
  const rounds = await readFile(join(runDir, RUN_FILES.rounds));
  assert.equal((await readFacts(runDir)).size, 4);
  assert.equal((await readTimings(runDir)).size, 8);
  const a = fuzzRecords("facts.jsonl", facts, FactsRecordSchema, (r) => r.key, 1);
  const b = fuzzRecords("rounds.jsonl", rounds, TimingRecordSchema, timingKey, 2);
  assert.ok(a > TRIALS && b > TRIALS, `intact records checked: ${a}, ${b}`);
  // Through the file reader too: a damaged file on disk.
  const random = seededRandom(3);
  const copy = join(dir, "copy");
  await rm(copy, { recursive: true, force: true });
  await mkdir(copy);
  for (let trial = 0; trial < 20; trial++) {
    await writeFile(join(copy, RUN_FILES.rounds), damage(rounds, random).out);
    await readTimings(copy);
  }
});

test("damaged results.json: read, or refused with the reader's own named error", async () => {
  const bytes = await readFile(join(runDir, RUN_FILES.results));
  const copy = join(dir, "results-copy");
  await mkdir(copy);
  const random = seededRandom(4);
  const path = join(copy, RUN_FILES.results);
  let refused = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    await writeFile(path, damage(bytes, random).out);
    try {
      await readRunResults(copy);
    } catch (e) {
      const m = (e as Error).message;
      assert.ok(
        e instanceof Error && (m.startsWith(`Cannot read "${path}": `) || m.startsWith(`Invalid "${path}": `) || m.startsWith(`"${path}" was made by a newer`)),
        `trial ${trial}: ${(e as Error).stack}`,
      );
      refused++;
    }
  }
  assert.ok(refused > TRIALS / 2, `refused ${refused}`);
});

test("damaged ONNX metadata and model bytes: metadata read, or refused with the reader's own named error", () => {
  const random = seededRandom(5);
  const props = toMetadataProps(METADATA);
  const named = (e: unknown, prefix: string) => e instanceof Error && e.message.startsWith(prefix);
  let valid = 0;
  for (let trial = 0; trial < TRIALS * 2; trial++) {
    const damaged: onnx.IStringStringEntryProto[] = props.map((p) => {
      const field = random() < 0.8 ? "value" : "key";
      const text = Buffer.from(String(p[field] ?? ""));
      return random() < 0.3 ? { ...p, [field]: damage(text, random).out.toString("utf8") } : p;
    });
    try {
      const meta = fromMetadataProps(damaged, "m.onnx");
      if (meta) valid++;
    } catch (e) {
      assert.ok(named(e, 'Invalid harness metadata in "m.onnx": '), `trial ${trial}: ${(e as Error).stack}`);
    }
  }
  assert.ok(valid > 0);
  const bytes = Buffer.from(encodeOnnx(buildTinyClassifier([1, 8, 8], 10, { metadata: METADATA })));
  for (let trial = 0; trial < TRIALS; trial++) {
    try {
      const model = decodeOnnx(damage(bytes, random).out, "m.onnx");
      fromMetadataProps(model.metadataProps, "m.onnx");
    } catch (e) {
      assert.ok(named(e, '"m.onnx" is ') || named(e, 'Invalid harness metadata in "m.onnx": '), `trial ${trial}: ${(e as Error).stack}`);
    }
  }
});
