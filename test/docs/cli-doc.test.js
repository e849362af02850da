// docs/cli.md cannot drift from the CLI: it must equal what the generator makes from the current --help texts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cliReference } from "./cli-reference.js";

test("docs/cli.md is generated from the current commands (run npm run docs)", () => {
  const current = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");
  assert.equal(current, cliReference());
});
