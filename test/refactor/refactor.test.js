// The product registry refactor changed no output byte: every product × method × option set of
// test/refactor/outputs.js hashes as recorded before it (test/refactor/checksums.json). A test of that refactor,
// to be removed with the next intended change of output.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { outputChecksums } from "./outputs.js";

test("every output is byte-identical to the one recorded before the product registry", {
  timeout: 600_000,
}, async () => {
  const recorded = JSON.parse(readFileSync(new URL("./checksums.json", import.meta.url), "utf8"));
  const now = await outputChecksums();
  assert.deepEqual(Object.keys(now).sort(), Object.keys(recorded).sort());
  const changed = Object.keys(recorded).filter((k) => recorded[k] !== now[k]);
  assert.deepEqual(changed, [], `${changed.length} of ${Object.keys(recorded).length} outputs changed`);
});
