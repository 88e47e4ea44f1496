/** Checks a tuning record's candidates against the deterministic list, allowing the timing-dependent `profile-slow-float` (second, when present) to have merged one of them. */
import assert from "node:assert/strict";

/** `candidates` is `expected` with `profile-slow-float` possibly second, standing in for an expected set it equals. */
export function assertCandidates(candidates: readonly { name: string; floatNodes: readonly string[] }[], expected: readonly [string, number][]): void {
  const slow = candidates.find((c) => c.name === "profile-slow-float");
  if (slow) assert.equal(candidates[1]?.name, "profile-slow-float");
  const rest = candidates.filter((c) => c !== slow).map((c) => [c.name, c.floatNodes.length] as [string, number]);
  const missing = expected.filter(([name]) => !rest.some(([n]) => n === name));
  assert.ok(missing.length <= (slow ? 1 : 0), `missing ${JSON.stringify(missing)} from ${JSON.stringify(candidates.map((c) => c.name))}`);
  if (missing[0]) assert.equal(slow?.floatNodes.length, missing[0][1]);
  assert.deepEqual(
    rest,
    expected.filter(([name]) => !missing.some(([m]) => m === name)),
  );
}
