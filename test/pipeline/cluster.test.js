// `batch --shard auto` on a real cluster engine: a one-node Slurm cluster runs docs/cluster/slurm-array.sh (the
// script docs/batch.md shows) as a 4-task job array over 12 tiles. Every tile is processed by exactly one task,
// the outputs equal a plain local batch run byte for byte, a re-submitted array skips everything, and after one
// task is cancelled mid-run a re-submission completes its tiles and redoes nothing else. The Kubernetes and AWS
// Batch examples of the docs are not run here: they are parsed and checked for the options that make them shard.
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import YAML from "yaml";
import { readDem, shardInputs, writeGeoTiff } from "../../dist/index.js";
import { demgrad, ROOT } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";
import { arrayStates, runChecked, slurmMissing, startSlurm, submit, waitForArray } from "../helpers/slurm.js";

const SCRIPT = `${ROOT}docs/cluster/slurm-array.sh`;
const PRODUCTS = ["slope", "aspect", "hillshade"];
const EXTENSIONS = { slope: "slope.tif", aspect: "aspect.tif", hillshade: "hillshade.png" };
const TASKS = 4;

const missingSlurm = slurmMissing();
if (missingSlurm && process.env.CI)
  throw new Error(`CI: ${missingSlurm} (.ci/run installs slurm-wlm and munge)`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tileNames = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, "0")}`);
const outputsOf = (folder, tile) => PRODUCTS.map((p) => `${folder}/${tile}.${EXTENSIONS[p]}`);
const readReports = (folder) =>
  existsSync(folder)
    ? Object.fromEntries(
        readdirSync(folder).map((f) => [f, JSON.parse(readFileSync(`${folder}/${f}`, "utf8"))]),
      )
    : {};

/** The tiles each array task owns, by the shard rule (every N-th sorted input). */
const shardOf = (task) => shardInputs(tileNames, { index: task, count: TASKS });

describe("a Slurm job array runs batch --shard auto", { skip: missingSlurm }, () => {
  let dir;
  let cluster;
  let env;

  before(async () => {
    dir = mkdtempSync(`${tmpdir()}/demgrad-slurm-`);
    cluster = await startSlurm(`${dir}/cluster`);
    // `demgrad` on the jobs' PATH, as an installed package puts it there.
    mkdirSync(`${dir}/bin`);
    symlinkSync(`${ROOT}bin/demgrad.js`, `${dir}/bin/demgrad`);
    env = { ...cluster.env, PATH: `${dir}/bin:${process.env.PATH}` };
    // 12 tiles (4 × 3) of one grid, cut from a real DEM with demgrad's writer.
    mkdirSync(`${dir}/tiles`);
    const dem = await readDem(sample("inldata_dem.tif"));
    const [tw, th] = [280, 380];
    const gt = dem.georef.geoTransform;
    for (let k = 0; k < 12; k++) {
      const [tx, ty] = [k % 4, Math.floor(k / 4)];
      const data = new Float32Array(tw * th);
      for (let r = 0; r < th; r++)
        for (let c = 0; c < tw; c++) data[r * tw + c] = dem.data[(ty * th + r) * dem.width + tx * tw + c];
      const like = {
        ...dem.georef,
        width: tw,
        height: th,
        geoTransform: [gt[0] + tx * tw * gt[1], gt[1], 0, gt[3] + ty * th * gt[5], 0, gt[5]],
      };
      await writeGeoTiff(`${dir}/tiles/${tileNames[k]}.tif`, { width: tw, height: th, data }, { like });
    }
    // The reference: the same batch on this machine, without a cluster.
    mkdirSync(`${dir}/reference`);
    const local = demgrad([
      "batch",
      `${dir}/tiles/*.tif`,
      "-o",
      `${dir}/reference`,
      "--products",
      PRODUCTS.join(","),
      "-q",
    ]);
    assert.equal(local.status, 0, local.stderr);
  });

  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh submission folder holding the tiles and the documented script. */
  function workFolder(name) {
    const work = `${dir}/${name}`;
    mkdirSync(work);
    symlinkSync(`${dir}/tiles`, `${work}/tiles`);
    copyFileSync(SCRIPT, `${work}/slurm-array.sh`);
    return work;
  }

  const assertSameAsReference = (work, tiles) => {
    for (const tile of tiles) {
      for (const [k, file] of outputsOf(`${work}/out`, tile).entries()) {
        const reference = outputsOf(`${dir}/reference`, tile)[k];
        assert.ok(existsSync(file), `${file} missing`);
        assert.ok(readFileSync(file).equals(readFileSync(reference)), `${file} differs from the local run`);
      }
    }
  };

  test("every tile exactly once, outputs equal a local run, a re-submission skips everything", async () => {
    const work = workFolder("array");
    const job = submit("slurm-array.sh", work, env);
    const states = await waitForArray(job, env);
    assert.deepEqual(states, { 0: "COMPLETED", 1: "COMPLETED", 2: "COMPLETED", 3: "COMPLETED" });
    const reports = readReports(`${work}/reports`);
    assert.equal(Object.keys(reports).length, TASKS);
    const processedBy = new Map();
    for (let task = 0; task < TASKS; task++) {
      const report = reports[`${job}_${task}.json`];
      assert.ok(report, `task ${task} wrote no report`);
      const tiles = report.tiles.map((t) => t.input.replace(/^.*\/(t\d+)\.tif$/, "$1"));
      assert.deepEqual(tiles, shardOf(task), `task ${task}'s tiles`);
      for (const t of report.tiles) {
        assert.equal(t.status, "done", `${t.input} in task ${task}`);
        assert.ok(!processedBy.has(t.input), `${t.input} processed twice`);
        processedBy.set(t.input, task);
      }
    }
    assert.equal(processedBy.size, 12);
    assertSameAsReference(work, tileNames);

    const again = submit("slurm-array.sh", work, env);
    assert.deepEqual(Object.values(await waitForArray(again, env)), Array(TASKS).fill("COMPLETED"));
    for (let task = 0; task < TASKS; task++) {
      const report = readReports(`${work}/reports`)[`${again}_${task}.json`];
      assert.deepEqual(
        report.tiles.map((t) => t.status),
        Array(3).fill("skipped"),
        `re-submitted task ${task}`,
      );
    }
  });

  test("a task cancelled mid-run: the others' tiles are complete, a re-submission completes the rest", async () => {
    const work = workFolder("cancel");
    const job = submit("slurm-array.sh", work, env);
    // Cancel task 1 once it has finished its first tile (its other two are still to come).
    const [first] = shardOf(1);
    const deadline = Date.now() + 60_000;
    while (!outputsOf(`${work}/out`, first).every((f) => existsSync(f))) {
      assert.ok(Date.now() < deadline, "task 1 never finished a tile");
      await sleep(20);
    }
    runChecked("scancel", [`${job}_1`], env);
    const states = await waitForArray(job, env);
    assert.equal(states[1], "CANCELLED");
    for (const task of [0, 2, 3]) assert.equal(states[task], "COMPLETED", `task ${task}`);
    assertSameAsReference(
      work,
      tileNames.filter((t) => !shardOf(1).includes(t)),
    );
    const unfinished = shardOf(1).filter((t) => !outputsOf(`${work}/out`, t).every((f) => existsSync(f)));
    assert.ok(unfinished.length > 0, "the cancel came too late to interrupt task 1");
    assert.deepEqual(
      readdirSync(`${work}/out`).filter((f) => f.includes(".tmp")),
      [],
      "temporary files left by the cancelled task",
    );

    const again = submit("slurm-array.sh", work, env);
    assert.deepEqual(Object.values(await waitForArray(again, env)), Array(TASKS).fill("COMPLETED"));
    assertSameAsReference(work, tileNames);
    const reports = readReports(`${work}/reports`);
    for (let task = 0; task < TASKS; task++) {
      const done = reports[`${again}_${task}.json`].tiles
        .filter((t) => t.status === "done")
        .map((t) => t.input.replace(/^.*\/(t\d+)\.tif$/, "$1"));
      assert.deepEqual(done, task === 1 ? unfinished : [], `re-submitted task ${task} redid ${done}`);
    }
    assert.deepEqual(arrayStates(again, env)[1], "COMPLETED");
  });
});

describe("the cluster examples in docs/batch.md", () => {
  const doc = readFileSync(`${ROOT}docs/batch.md`, "utf8");
  const example = (name) => readFileSync(`${ROOT}docs/cluster/${name}`, "utf8");
  /** The words of a shell command line (enough for the examples: no nested quotes). */
  const words = (line) => line.match(/'[^']*'|"[^"]*"|\S+/g).map((w) => w.replace(/^['"]|['"]$/g, ""));
  const option = (args, name) => args[args.indexOf(name) + 1];

  for (const [name, language] of [
    ["slurm-array.sh", "bash"],
    ["kubernetes-indexed-job.yaml", "yaml"],
    ["aws-batch-job-definition.json", "json"],
    ["aws-batch-submit-job.json", "json"],
  ]) {
    test(`${name} is shown verbatim`, () => {
      assert.ok(
        doc.includes(`\`\`\`${language}\n${example(name)}\`\`\``),
        `docs/batch.md lacks docs/cluster/${name}`,
      );
    });
  }

  test("the Kubernetes manifest is an Indexed Job whose --shard-count equals its completions", () => {
    const job = YAML.parse(example("kubernetes-indexed-job.yaml"));
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.kind, "Job");
    assert.equal(job.spec.completionMode, "Indexed");
    assert.equal(job.spec.template.spec.restartPolicy, "Never");
    const [container] = job.spec.template.spec.containers;
    const args = [...container.command, ...container.args];
    assert.deepEqual(args.slice(0, 2), ["demgrad", "batch"]);
    assert.equal(option(args, "--shard"), "auto");
    assert.equal(Number(option(args, "--shard-count")), job.spec.completions);
    assert.match(option(args, "--report"), /\$\(JOB_COMPLETION_INDEX\)/, "one report per index");
    const mounted = container.volumeMounts.map((m) => m.name);
    assert.ok(job.spec.template.spec.volumes.every((v) => mounted.includes(v.name)));
  });

  test("the AWS Batch definition runs batch --shard auto and the submission is an array job", () => {
    const definition = JSON.parse(example("aws-batch-job-definition.json"));
    const submission = JSON.parse(example("aws-batch-submit-job.json"));
    assert.equal(submission.jobDefinition, definition.jobDefinitionName);
    assert.ok(submission.arrayProperties.size >= 2);
    const { command, mountPoints, volumes } = definition.containerProperties;
    assert.deepEqual(command.slice(0, 2), ["sh", "-c"]);
    const args = words(command[2]);
    assert.deepEqual(args.slice(0, 2), ["demgrad", "batch"]);
    assert.equal(option(args, "--shard"), "auto");
    assert.ok(!args.includes("--shard-count"), "AWS Batch gives the array size itself");
    assert.deepEqual(
      mountPoints.map((m) => m.sourceVolume),
      volumes.map((v) => v.name),
    );
  });

  test("the Slurm script's demgrad command line is one this demgrad accepts", () => {
    // The cluster test runs it; here its options are checked against the CLI even where Slurm is absent.
    const script = example("slurm-array.sh");
    assert.match(script, /^#SBATCH --array=0-3$/m);
    const command = script
      .slice(script.indexOf("demgrad batch"))
      .replace(/\\\n\s*/g, " ")
      .split("\n")[0];
    const args = words(command).slice(1);
    assert.equal(option(args, "--shard"), "auto");
    const help = demgrad(["batch", "--help"]).stdout;
    for (const flag of args.filter((a) => a.startsWith("-")))
      assert.ok(help.includes(flag), `batch has no ${flag}`);
  });
});
