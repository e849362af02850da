import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { demgrad, ROOT } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));

/** Exactly one stderr line, starting with `demgrad:`. */
function oneErrorLine(stderr) {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${stderr}`);
  assert.match(lines[0], /^demgrad: /);
  return lines[0];
}

test("--help lists every command and teaches with examples", () => {
  const { status, stdout } = demgrad(["--help"]);
  assert.equal(status, 0);
  for (const command of ["info", "gradient", "slope", "aspect", "hillshade", "terrain", "batch"]) {
    assert.match(stdout, new RegExp(`\\n  ${command}\\b`));
  }
  assert.match(stdout, /Examples:/);
});

test("--version prints the package version", () => {
  const { status, stdout } = demgrad(["--version"]);
  assert.equal(status, 0);
  assert.equal(stdout.trim(), pkg.version);
});

test("every subcommand has help with the shared options", () => {
  for (const command of ["gradient", "slope", "aspect", "hillshade", "terrain", "batch"]) {
    const { status, stdout } = demgrad([command, "--help"]);
    assert.equal(status, 0, command);
    for (const option of [
      "--band",
      "--method",
      "--edge-order",
      "--north",
      "--compat",
      "--no-edges",
      "--zfactor",
    ]) {
      assert.ok(stdout.includes(option), `${command} --help lacks ${option}`);
    }
  }
});

test("unknown command, missing argument and unknown option are usage errors (exit 2, one line)", () => {
  for (const args of [["frobnicate"], ["slope"], ["slope", "a.tif", "b.tif", "--bogus"]]) {
    const { status, stderr } = demgrad(args);
    assert.equal(status, 2, args.join(" "));
    oneErrorLine(stderr);
  }
});

test("invalid option values are usage errors with the validation message", () => {
  const dem = sample("storml_elev.tif");
  const cases = [
    [
      ["hillshade", dem, "/tmp/x.png", "--altitude", "95"],
      'Expected number greater than 0 and at most 90 for altitude but received "95"',
    ],
    [["slope", dem, "/tmp/x.tif", "--edge-order", "3"], "--edge-order"],
    [["info", dem, "-b", "1.5"], 'Expected integer of at least 1 for band but received "1.5"'],
    [
      ["slope", dem, "/tmp/x.tif", "-z", "abc"],
      'Expected number greater than 0 for z-factor but received "abc"',
    ],
    [["slope", dem, "/tmp/x.tif", "--xscale", "2"], "--xscale and --yscale must be given together"],
    [
      ["slope", dem, "/tmp/x.tif", "--threads", "0"],
      'Expected integer between 1 and 256 for threads but received "0"',
    ],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = demgrad(args);
    assert.equal(status, 2, args.join(" "));
    assert.ok(oneErrorLine(stderr).includes(message), stderr);
  }
});

test("terrain without any product is a usage error", () => {
  const { status, stderr } = demgrad(["terrain", sample("storml_elev.tif")]);
  assert.equal(status, 2);
  assert.match(oneErrorLine(stderr), /at least one of --slope/);
});

test("--altitude 0 is refused before any work with the true bound, whatever the thread count", () => {
  // inldata_dem (1145 × 1142) runs in two strips, so --threads 2 does start a worker.
  for (const [dem, threads] of [
    ["storml_elev.tif", "1"],
    ["inldata_dem.tif", "2"],
  ]) {
    const { status, stderr } = demgrad([
      "hillshade",
      sample(dem),
      "/tmp/demgrad-never-written.png",
      "--altitude",
      "0",
      "--threads",
      threads,
    ]);
    assert.equal(status, 2, stderr);
    // An option error names no file: the DEM is not at fault.
    assert.equal(
      oneErrorLine(stderr),
      'demgrad: Expected number greater than 0 and at most 90 for altitude but received "0"',
    );
  }
});

test("info into a full disk (/dev/full): one line, exit 1, no stack trace", {
  skip: !existsSync("/dev/full") && "needs /dev/full",
}, () => {
  const full = openSync("/dev/full", "w");
  try {
    const run = spawnSync(process.execPath, [`${ROOT}bin/demgrad.js`, "info", sample("storml_elev.tif")], {
      stdio: ["ignore", full, "pipe"],
      encoding: "utf8",
      env: { ...process.env, DEMGRAD_DEBUG: "" },
    });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      oneErrorLine(run.stderr),
      "demgrad: standard output: disk full: free some space or write elsewhere",
    );
  } finally {
    closeSync(full);
  }
});

test("help states the measured gdaldem difference instead of claiming exact output", () => {
  // Measured against gdaldem 3.6.2 on the 13 samples (docs/accuracy.md): slope identical, aspect within 3.1e-5°,
  // hillshade within one grey level.
  for (const args of [["--help"], ["slope", "--help"]]) {
    const { stdout } = demgrad(args);
    assert.doesNotMatch(
      stdout,
      /gdaldem[- ]exact|reproduce gdaldem exactly|byte[- ]for[- ]byte|equals gdaldem/i,
    );
  }
  assert.match(demgrad(["slope", "--help"]).stdout, /aspect\s+within 3\.1e-5°/);
});

test("warnings are one line too: control characters in them are escaped", async () => {
  const { warnToStderr, oneLine } = await import("../../dist/errors.js");
  const written = [];
  const write = process.stderr.write;
  process.stderr.write = (text) => written.push(text);
  try {
    warnToStderr('tiles/a\nb.tif: band 1 unit "m\x1b[31m" unknown');
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, ['demgrad: warning: tiles/a\\nb.tif: band 1 unit "m\\x1b[31m" unknown\n']);
  assert.equal(oneLine("\t\r\u0085"), "\\t\\r\\x85");
});

test("contradictory or ignored flags are refused before any work, naming both (exit 2)", () => {
  const dem = sample("storml_elev.tif");
  for (const [flags, message] of [
    [["--north", "true", "--compat", "gdaldem"], /^demgrad: --north true contradicts --compat gdaldem: /],
    [["--north", "true", "--spacing", "nominal"], /^demgrad: --north true contradicts --spacing nominal: /],
    [
      ["--no-edges"],
      /^demgrad: --no-edges applies to --method horn or zevenbergen-thorne \(or to tri, tpi, roughness\): /,
    ],
    [["--no-edges", "--compute-edges"], /^demgrad: --no-edges contradicts --compute-edges$/m],
    [
      ["--method", "horn", "--edge-order", "2"],
      /^demgrad: --edge-order applies to --method gradient only, not to --method horn$/m,
    ],
  ]) {
    const { status, stderr } = demgrad(["aspect", dem, "/tmp/demgrad-never-written.tif", ...flags]);
    assert.equal(status, 2, flags.join(" "));
    assert.match(oneErrorLine(stderr), message);
  }
  // Their consistent neighbours still run.
  for (const flags of [
    ["--north", "grid", "--compat", "gdaldem"],
    ["--method", "horn", "--no-edges"],
    ["--edge-order", "2"],
  ]) {
    const out = `${tmpdir()}/demgrad-usage-${process.pid}.tif`;
    const { status, stderr } = demgrad(["aspect", dem, out, "-q", ...flags]);
    assert.equal(status, 0, `${flags.join(" ")}: ${stderr}`);
    rmSync(out, { force: true });
  }
  // --no-edges with the default method is used by the products made from the elevations alone.
  const out = `${tmpdir()}/demgrad-usage-tri-${process.pid}.tif`;
  const tri = demgrad(["tri", dem, out, "-q", "--no-edges"]);
  assert.equal(tri.status, 0, tri.stderr);
  rmSync(out, { force: true });
  // Derivative flags on a product made from the elevations alone: one warning line, and the run goes on.
  const unused = demgrad(["tri", dem, out, "-q", "-z", "2", "--method", "horn"]);
  assert.equal(unused.status, 0, unused.stderr);
  assert.equal(
    unused.stderr.trim(),
    "demgrad: warning: -z/--zfactor, --method not used: tri is made from the elevations alone",
  );
  rmSync(out, { force: true });
});

test("--help names the default method and how it differs from gdaldem's", () => {
  const { stdout } = demgrad(["slope", "--help"]);
  assert.match(
    stdout.replace(/\s+/g, " "),
    /default gradient: numpy\.gradient's central differences in ground metres \(1–5 % steeper on average than horn's/,
  );
});
