// Start-up: the wall time of `demgrad --version` (and of bare `node`, the floor), and the time from starting
// `demgrad slope` to its first strip read, found in a CPU profile (`node --cpu-prof`, 0.1 ms sampling): the first
// sample inside the reader's `readRows`, measured from the moment the process was spawned (both clocks are the
// monotonic clock). Medians of interleaved runs.
// Run: node bench/startup.js [dem.tif] (default: the 4096² power-law DEM of make-dem.js); BENCH_RUNS=….
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { table } from "./common.js";
import { makeDem } from "./make-dem.js";

const BIN = fileURLToPath(new URL("../bin/demgrad.js", import.meta.url));

/** The start-up goals: `--version` within 0.12 s, the first strip read within 0.2 s. */
export const GOALS = { version: 0.12, firstStrip: 0.2 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Seconds from spawning `args` to its exit. */
function wall(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Seconds from spawning `demgrad slope dem` to the first profile sample in `readRows`. */
function firstStrip(dem, dir, round) {
  const profiles = `${dir}/profile-${round}`;
  const start = process.hrtime.bigint();
  const args = ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profiles];
  const result = spawnSync(process.execPath, [...args, BIN, "slope", dem, `${dir}/slope-${round}.tif`, "-q"]);
  if (result.status !== 0) throw new Error(`demgrad slope failed: ${result.stderr}`);
  const profile = JSON.parse(readFileSync(`${profiles}/${readdirSync(profiles)[0]}`, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    for (let id = profile.samples[i]; id !== undefined; id = parents.get(id)) {
      if (nodes.get(id).callFrame.functionName === "readRows") {
        // The profile's clock is the monotonic clock in microseconds, like process.hrtime.
        return (time - Number(start / 1000n)) / 1e6;
      }
    }
  }
  throw new Error("no sample in readRows");
}

/** Rows of the start-up table: median seconds over `runs` interleaved rounds. */
export function startupRows(dem, runs = 9) {
  const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-startup-`);
  try {
    const node = [];
    const version = [];
    const strip = [];
    for (let round = 0; round < runs; round++) {
      node.push(wall(["-e", "0"]));
      version.push(wall([BIN, "--version"]));
      strip.push(firstStrip(dem, dir, round));
    }
    const row = (what, values, goal) => ({
      "start-up": what,
      "median s": median(values).toFixed(3),
      "best s": Math.min(...values).toFixed(3),
      goal: goal === undefined ? "-" : `≤ ${goal} s: ${median(values) <= goal ? "met" : "not met"}`,
    });
    return [
      row("bare node (node -e 0)", node),
      row("demgrad --version", version, GOALS.version),
      row("demgrad slope: spawn → first strip read", strip, GOALS.firstStrip),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let dir;
  let dem = process.argv[2];
  if (!dem) {
    dir = mkdtempSync(`${tmpdir()}/demgrad-bench-startup-dem-`);
    dem = makeDem(dir, 4096);
  }
  try {
    table(startupRows(dem, Number(process.env.BENCH_RUNS ?? 9)));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
