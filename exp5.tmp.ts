import { selectBackend, TRAINING_BACKENDS } from "./train/backends/index.ts";
const t0 = performance.now();
const c = await selectBackend("auto");
console.log(JSON.stringify(c, null, 1), ((performance.now() - t0) / 1000).toFixed(1), "s");
if (process.argv[2] === "soft") {
  const t1 = performance.now();
  const d = await selectBackend("auto", [...TRAINING_BACKENDS], { allowSoftware: true });
  console.log(d.reason, ((performance.now() - t1) / 1000).toFixed(1), "s");
}
process.exit(0);
