// `demgrad --version` is answered before the command's modules load (start-up), with the same output and the same
// one-line error as any command when standard output cannot be written.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { demgrad, ROOT } from "../helpers/cli.js";

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));

test("--version and -V print the package version and exit 0", () => {
  for (const flag of ["--version", "-V"]) {
    const { status, stdout, stderr } = demgrad([flag]);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, `${pkg.version}\n`);
    assert.equal(stderr, "");
  }
});

test("--version loads none of the command's modules", () => {
  // A loader hook that lists every module resolved: only the entry script itself.
  const hook = `data:text/javascript,${encodeURIComponent(
    'import { register } from "node:module"; register("data:text/javascript," + encodeURIComponent(' +
      '"export async function resolve(s, c, n) { const r = await n(s, c); if (!r.url.startsWith(\\"node:\\")) ' +
      'process.stderr.write(\\"module \\" + r.url + \\"\\\\n\\"); return r; }"));',
  )}`;
  const run = spawnSync(process.execPath, ["--import", hook, `${ROOT}bin/demgrad.js`, "--version"], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const modules = run.stderr.split("\n").filter((line) => line.startsWith("module "));
  assert.deepEqual(
    modules.map((line) => line.replace(/^module file:\/\/.*\/bin\//, "bin/")),
    ["bin/demgrad.js"],
  );
});

test("--version into a full disk (/dev/full): one line, exit 1", {
  skip: !existsSync("/dev/full") && "needs /dev/full",
}, () => {
  const full = openSync("/dev/full", "w");
  try {
    const run = spawnSync(process.execPath, [`${ROOT}bin/demgrad.js`, "--version"], {
      stdio: ["ignore", full, "pipe"],
      encoding: "utf8",
    });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, "demgrad: standard output: disk full: free some space or write elsewhere\n");
  } finally {
    closeSync(full);
  }
});
