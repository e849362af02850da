// Batch runs never lose a result: output folders, clashing tile names, report paths, demgrad's own outputs among
// the inputs, a worker process that dies, and a worker that hangs while the batch is stopped.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import { processBatch } from "../../dist/index.js";
import { demgrad, ROOT } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-batch-safety-`);
after(() => rmSync(dir, { recursive: true, force: true }));

// Small tiles (fast) and big ones (a worker spends about a second on each: long enough to catch it mid-tile).
const SMALL = sample("storml_elev.tif");
const BIG = sample("inldata_dem.tif");
before(() => {
  for (const sub of ["small", "big", "a", "b"]) mkdirSync(`${dir}/${sub}`);
  for (const name of ["s1", "s2"]) copyFileSync(SMALL, `${dir}/small/${name}.tif`);
  for (const name of ["t1", "t2", "t3"]) copyFileSync(BIG, `${dir}/big/${name}.tif`);
  copyFileSync(SMALL, `${dir}/a/x.tif`);
  copyFileSync(SMALL, `${dir}/b/x.tif`);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; fails the test after `ms`. */
async function waitFor(probe, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** The exit code of `child`, or a failure after `ms` (the child is killed then). */
function exitOf(child, ms) {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`demgrad did not exit within ${ms} ms`));
    }, ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

const temporaries = (out) => readdirSync(out).filter((f) => f.includes(".tmp"));
// A temporary file of src/io/atomic.ts (`.<name>.<pid>.<hex>.tmp`, or the PNG writer's scratch built on one).
const TEMPORARY = /^\.\.?(t\d)\.[a-z]+\..*?\.(\d+)\.[0-9a-f]{8}\.tmp/;
// The hillshade PNG's scratch rows, a temporary file of a temporary name: present while strips are written.
const PNG_SCRATCH = /^\.\.(t\d)\.hillshade\.png\.(\d+)\.[0-9a-f]{8}\.tmp\.grey\.tif\.\d+\.[0-9a-f]{8}\.tmp$/;

function startBatch(args) {
  const child = spawn(process.execPath, [`${ROOT}bin/demgrad.js`, "batch", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEMGRAD_DEBUG: "" },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (output.stdout += d));
  child.stderr.on("data", (d) => (output.stderr += d));
  return { child, output };
}

/**
 * Waits until a worker is mid-tile (one of its temporary files exists) and freezes it with SIGSTOP, checking that
 * the file, and those named by the prefixes `alsoLeft(tile, pid)` returns, still exist once frozen (if the tile
 * was finishing in between, the next tile is caught instead).
 */
async function freezeWorkerMidTile(out, temporary = TEMPORARY, alsoLeft = () => []) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const name = await waitFor(
      () => existsSync(out) && readdirSync(out).find((f) => temporary.test(f)),
      `a worker's temporary file like ${temporary}`,
    );
    const [, tile, pid] = temporary.exec(name);
    process.kill(Number(pid), "SIGSTOP");
    const left = readdirSync(out);
    const prefixes = [name, ...alsoLeft(tile, pid)];
    if (prefixes.every((prefix) => left.some((f) => f.startsWith(prefix)))) return { tile, pid: Number(pid) };
    process.kill(Number(pid), "SIGCONT");
    await waitFor(() => !existsSync(`${out}/${name}`), "the finished tile's temporary file to go");
  }
  throw new Error("no worker could be caught mid-tile");
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("batch never loses a result", () => {
  test("a missing output folder is created, parents included (mkdir -p)", () => {
    const out = `${dir}/new/deeper/out`;
    const run = demgrad(["batch", `${dir}/small/s1.tif`, "-o", out, "--products", "slope", "-q"]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(`${out}/s1.slope.tif`));
  });

  test("an output 'folder' that is a file is refused before any work", () => {
    writeFileSync(`${dir}/a-file`, "x");
    const run = demgrad(["batch", `${dir}/small/s1.tif`, "-o", `${dir}/a-file`, "--products", "slope"]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^demgrad: .*a-file: .*not a folder/m);
    assert.equal(readFileSync(`${dir}/a-file`, "utf8"), "x");
  });

  test("two inputs with the same file name in different folders are refused, naming both, before any work", () => {
    const out = `${dir}/out-clash`;
    mkdirSync(out);
    const run = demgrad(["batch", `${dir}/a/x.tif`, `${dir}/b/x.tif`, "-o", out, "--products", "slope"]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^demgrad: .*\/a\/x\.tif: .*\/b\/x\.tif/m);
    assert.deepEqual(readdirSync(out), [], "nothing written");
    // The same file named twice is one tile, not a clash.
    const same = demgrad([
      "batch",
      `${dir}/a/x.tif`,
      `${dir}/a/../a/x.tif`,
      "-o",
      out,
      "--products",
      "slope",
    ]);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /^1 tiles: 1 done/m);
  });

  test("--report naming an input DEM or an existing non-report file is refused; a previous report is replaced", () => {
    const out = `${dir}/out-report`;
    mkdirSync(out);
    const input = `${dir}/small/s2.tif`;
    const before = readFileSync(input);
    const asInput = demgrad(["batch", `${dir}/small/s1.tif`, input, "-o", out, "--report", input]);
    assert.equal(asInput.status, 2, asInput.stderr);
    assert.match(asInput.stderr, /s2\.tif: .*input/);
    assert.deepEqual(readFileSync(input), before, "the DEM is untouched");
    assert.deepEqual(readdirSync(out), [], "no work was done");

    const other = `${dir}/notes.txt`;
    writeFileSync(other, "not a report\n");
    const asOther = demgrad(["batch", `${dir}/small/s1.tif`, "-o", out, "--report", other]);
    assert.equal(asOther.status, 2, asOther.stderr);
    assert.match(asOther.stderr, /notes\.txt: .*not a demgrad batch report/);
    assert.equal(readFileSync(other, "utf8"), "not a report\n");

    const asOutput = demgrad(["batch", `${dir}/small/s1.tif`, "-o", out, "--report", `${out}/s1.slope.tif`]);
    assert.equal(asOutput.status, 2, asOutput.stderr);

    const report = `${dir}/report.json`;
    for (let run = 0; run < 2; run++) {
      const ok = demgrad([
        "batch",
        `${dir}/small/s1.tif`,
        "-o",
        out,
        "--products",
        "slope",
        "--report",
        report,
      ]);
      assert.equal(ok.status, 0, ok.stderr);
      const tiles = JSON.parse(readFileSync(report, "utf8")).tiles;
      assert.deepEqual(
        tiles.map((t) => t.status),
        [run === 0 ? "done" : "skipped"],
      );
    }
  });

  test("-o at the input folder: a re-run does not take demgrad's outputs for new tiles", () => {
    const folder = `${dir}/in-place`;
    mkdirSync(folder);
    for (const name of ["p", "q"]) copyFileSync(SMALL, `${folder}/${name}.tif`);
    const args = ["-o", folder, "--products", "slope,aspect,hillshade"];
    assert.equal(demgrad(["batch", `${folder}/*`, ...args]).status, 0);
    // A quoted pattern (expanded by demgrad) and the shell's expansion (every file named).
    for (const inputs of [[`${folder}/*`], readdirSync(folder).map((f) => `${folder}/${f}`)]) {
      const rerun = demgrad(["batch", ...inputs, ...args]);
      assert.equal(rerun.status, 0, rerun.stderr);
      assert.match(rerun.stdout, /^2 tiles: 0 done, 2 skipped/m);
    }
    const outputsOfOutputs = readdirSync(folder).filter((f) =>
      /\.(slope|aspect|hillshade)\.(slope|aspect|hillshade)\./.test(f),
    );
    assert.deepEqual(outputsOfOutputs, []);
  });

  test("an input that another input's output would overwrite is refused", () => {
    const out = `${dir}/out-overlap`;
    mkdirSync(out);
    copyFileSync(SMALL, `${out}/x.slope.tif`);
    const run = demgrad(["batch", `${dir}/a/x.tif`, `${out}/x.slope.tif`, "-o", out, "--products", "slope"]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /x\.slope\.tif/);
    assert.deepEqual(readFileSync(`${out}/x.slope.tif`), readFileSync(SMALL));
  });
});

describe("batch workers", () => {
  test("a worker killed mid-tile fails that tile only: the tile beside it and the rest finish, report, no temporary file, exit 1; a re-run redoes it", async (t) => {
    const out = `${dir}/out-killed`;
    mkdirSync(out);
    const report = `${out}/report.json`;
    const { child, output } = startBatch([
      `${dir}/big/*.tif`,
      "-o",
      out,
      "--products",
      "slope,aspect,hillshade",
      "--jobs",
      "2",
      "--report",
      report,
      "-q",
    ]);
    let worker;
    t.after(() => {
      if (worker && alive(worker.pid)) process.kill(worker.pid, "SIGKILL");
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    // Caught with its outputs' temporary files and the PNG writer's scratch present: what a killed worker leaves.
    worker = await freezeWorkerMidTile(out, PNG_SCRATCH, (tile, pid) => [
      `.${tile}.slope.tif.${pid}.`,
      `.${tile}.hillshade.png.${pid}.`,
    ]);
    process.kill(worker.pid, "SIGKILL");
    const code = await exitOf(child, 120_000);
    assert.equal(code, 1, output.stderr);
    assert.match(output.stderr, new RegExp(`^demgrad: .*${worker.tile}\\.tif: .*SIGKILL`, "m"));
    assert.deepEqual(temporaries(out), [], "the dead worker's temporary files are removed");
    const tiles = JSON.parse(readFileSync(report, "utf8")).tiles;
    assert.equal(tiles.length, 3);
    for (const tile of tiles) {
      const killed = tile.input.endsWith(`/${worker.tile}.tif`);
      assert.equal(tile.status, killed ? "failed" : "done", tile.input);
      if (killed) assert.match(tile.error, /SIGKILL/);
    }
    const rerun = await processBatch([`${dir}/big/*.tif`], {
      outputDir: out,
      products: ["slope", "aspect", "hillshade"],
      jobs: 1,
    });
    assert.deepEqual(
      rerun.tiles.map((tile) => [tile.input.endsWith(`/${worker.tile}.tif`), tile.status]),
      rerun.tiles.map((tile) =>
        tile.input.endsWith(`/${worker.tile}.tif`) ? [true, "done"] : [false, "skipped"],
      ),
    );
    assert.deepEqual(temporaries(out), []);
  });

  test("Ctrl-C while a tile's server never answers: the batch still ends, exit 130, report with 'interrupted'", async (t) => {
    const requests = [];
    // Accepts the request and never answers: a stalled read, which no abort signal reaches.
    const server = createServer((request) => requests.push(request));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const url = `http://127.0.0.1:${server.address().port}/stalled.tif`;
    const out = `${dir}/out-stalled`;
    mkdirSync(out);
    const report = `${out}/report.json`;
    const { child, output } = startBatch([
      `${dir}/small/s1.tif`,
      url,
      "-o",
      out,
      "--products",
      "slope",
      "--jobs",
      "1",
      "--report",
      report,
      "-q",
    ]);
    t.after(() => child.exitCode === null && child.kill("SIGKILL"));
    await waitFor(() => requests.length > 0 || child.exitCode !== null, "the stalled tile's request");
    child.kill("SIGINT");
    const code = await exitOf(child, 30_000);
    assert.equal(code, 130, output.stderr);
    const tiles = JSON.parse(readFileSync(report, "utf8")).tiles;
    assert.deepEqual(
      tiles.map((tile) => [tile.input, tile.status]),
      [
        [`${dir}/small/s1.tif`, "done"],
        [url, "interrupted"],
      ],
    );
  });

  test("SIGTERM while a worker hangs: the worker is killed, the report says 'interrupted', exit 130", async (t) => {
    const out = `${dir}/out-hung`;
    mkdirSync(out);
    const report = `${out}/report.json`;
    const { child, output } = startBatch([
      `${dir}/big/*.tif`,
      "-o",
      out,
      "--products",
      "slope,hillshade",
      "--jobs",
      "1",
      "--report",
      report,
      "-q",
    ]);
    let worker;
    t.after(() => {
      if (worker && alive(worker.pid)) process.kill(worker.pid, "SIGKILL");
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    // A stopped process ignores everything but SIGKILL: the hardest kind of hung worker.
    worker = await freezeWorkerMidTile(out);
    child.kill("SIGTERM");
    const code = await exitOf(child, 30_000);
    assert.equal(code, 130, output.stderr);
    assert.ok(!alive(worker.pid), "the hung worker is gone");
    assert.deepEqual(temporaries(out), []);
    const result = JSON.parse(readFileSync(report, "utf8"));
    assert.equal(result.tiles.length, 3);
    for (const tile of result.tiles) {
      const hung = tile.input.endsWith(`/${worker.tile}.tif`);
      // Tiles before the hung one (if it was not the first) are done; it and those after it are not.
      assert.ok(hung ? tile.status === "interrupted" : /^(done|interrupted)$/.test(tile.status), tile.input);
    }
    assert.equal(result.interrupted, result.tiles.filter((tile) => tile.status === "interrupted").length);
  });
});
