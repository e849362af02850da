// Fuzzing (deterministic seed, bounded time): bytes of real samples, and of a sample re-encoded with every codec the
// reader supports, are mutated and each file goes through the reader and `slope` in a child process. Every case
// must succeed or fail with a one-line DemgradError within its time limit — never another exception, a hang, a
// crash or unbounded memory.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { readDem } from "../../dist/index.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-fuzz-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const WORKER = fileURLToPath(new URL("./fuzz-worker.js", import.meta.url));
const CASES_PER_SOURCE = Number(process.env.FUZZ_CASES_PER_SOURCE ?? 30);
/** A case that takes longer has hung: the reader must end every hostile input within seconds. */
const PER_CASE_MS = 5000;
const MAX_RSS_MIB = 300;

const SAMPLE_SOURCES = [
  "storml_elev.tif",
  "storml_elev_orig.tif",
  "dem-hills.tiff",
  "whitebox_DEM.tif",
  "dtm.tif",
];
/** storml_elev.tif re-encoded with each codec, tiled (64×64) and in strips. */
const CODECS = {
  DEFLATE: ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "TILED=YES"],
  LZW: ["-co", "COMPRESS=LZW", "-co", "PREDICTOR=2"],
  ZSTD: ["-co", "COMPRESS=ZSTD", "-co", "TILED=YES"],
  LERC: ["-co", "COMPRESS=LERC", "-co", "TILED=YES"],
  LERC_ZSTD: ["-co", "COMPRESS=LERC_ZSTD", "-co", "TILED=YES"],
  PACKBITS: ["-co", "COMPRESS=PACKBITS", "-co", "TILED=YES"],
  NONE: ["-co", "COMPRESS=NONE"],
};

/** Runs the fuzz cases of `sources` in one child; resolves with every case's outcome, or rejects on a hang. */
function fuzz(sources, seed) {
  const cases = CASES_PER_SOURCE * sources.length;
  const child = fork(WORKER, [JSON.stringify({ sources, cases, seed, dir })], { stdio: "pipe" });
  const results = [];
  return new Promise((resolve, reject) => {
    let current;
    let timer;
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.on("message", (message) => {
      if (message.type === "start") {
        current = message;
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(new Error(`case ${message.i} (${message.source}) ran past ${PER_CASE_MS} ms`)),
          PER_CASE_MS,
        );
      } else if (message.type === "end") {
        clearTimeout(timer);
        results.push(message);
      } else if (message.type === "done") {
        resolve({ results, maxRssMiB: message.maxRssMiB });
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (results.length < cases) {
        const at = current ? `case ${current.i} (${current.source})` : "start-up";
        reject(new Error(`the reader's process died (exit ${code}, signal ${signal}) at ${at}`));
      }
    });
  });
}

/** Checks every outcome: success, or a DemgradError with one short line. */
function checkOutcomes(results) {
  const counts = {};
  for (const { i, source, outcome } of results) {
    counts[source] ??= { ok: 0, rejected: 0, rejectedBlocks: 0 };
    if (outcome.ok) {
      counts[source].ok++;
      continue;
    }
    counts[source].rejected++;
    // Refusals naming a block come from reading and decoding pixel data (the codec ran on the damage).
    if (/\(block \d+, \d+\)$/.test(outcome.message)) counts[source].rejectedBlocks++;
    const what = `case ${i} (${source})`;
    assert.ok(outcome.demgrad, `${what}: ${outcome.name}: ${outcome.message}\n${outcome.stack}`);
    assert.ok(!outcome.message.includes("\n"), `${what}: a message of one line: ${outcome.message}`);
    assert.ok(outcome.message.length <= 200, `${what}: a short message: ${outcome.message.slice(0, 300)}…`);
  }
  return counts;
}

test("mutated real samples: success or a one-line DemgradError, in time and memory", {
  timeout: 120_000,
}, async () => {
  const sources = SAMPLE_SOURCES.map((name) => ({ name, path: sample(name) }));
  const { results, maxRssMiB } = await fuzz(sources, 20261124);
  const counts = checkOutcomes(results);
  console.log("fuzz (samples):", JSON.stringify(counts), `peak ${Math.round(maxRssMiB)} MiB`);
  assert.ok(maxRssMiB < MAX_RSS_MIB, `peak memory ${Math.round(maxRssMiB)} MiB`);
  const all = Object.values(counts);
  // Mutations must both break files and leave some readable, or the test exercises nothing.
  assert.ok(all.reduce((n, c) => n + c.ok, 0) > 0, "some mutated files still read");
  assert.ok(all.reduce((n, c) => n + c.rejected, 0) > 0, "some mutated files are refused");
});

test("every codec, mutated: success or a one-line DemgradError, in time and memory", {
  timeout: 120_000,
  skip: !HAS_GDAL && "gdal-bin not installed",
}, async () => {
  const sources = Object.entries(CODECS).map(([name, args]) => {
    const path = `${dir}/codec-${name}.tif`;
    gdal("gdal_translate", [
      "-q",
      ...args,
      "-co",
      "BLOCKXSIZE=64",
      "-co",
      "BLOCKYSIZE=64",
      sample("storml_elev.tif"),
      path,
    ]);
    return { name, path };
  });
  // Intact, every re-encoded file reads (so that the fuzzing exercises working codecs).
  for (const { name, path } of sources) {
    const dem = await readDem(path);
    assert.equal(dem.width * dem.height, 143 * 107, name);
  }
  const { results, maxRssMiB } = await fuzz(sources, 20261204);
  const counts = checkOutcomes(results);
  console.log("fuzz (codecs):", JSON.stringify(counts), `peak ${Math.round(maxRssMiB)} MiB`);
  assert.ok(maxRssMiB < MAX_RSS_MIB, `peak memory ${Math.round(maxRssMiB)} MiB`);
  for (const name of Object.keys(CODECS)) {
    const c = counts[name];
    // Each codec decoded damaged data (read it, or refused it naming a block): most cases got past the header.
    assert.ok(c.ok + c.rejectedBlocks > (c.ok + c.rejected) / 2, `${name}: ${JSON.stringify(c)}`);
  }
});
