// `npm run bench`: demgrad against gdaldem (same output settings) and the gradient core against numpy.gradient,
// interleaved in one run on the same DEMs: the power-law surface of make-dem.js and a real SRTM DEM mirrored up to
// the same size (skipped with a message when the sample is absent). Prints the machine and date, then per DEM and
// task the median wall time, Mpixel/s, peak RSS and the median of the per-round ratios (each round runs both tools
// back to back, so a noisy neighbour slows both), per kernel ns/pixel and Mpixel/s on one core (bench/kernels.js),
// with the native kernels and with their JavaScript fallback, and start-up: `demgrad --version` and spawn to first
// strip read (bench/startup.js).
// BENCH_SIZES=4096,16384 BENCH_RUNS=5 BENCH_INPUTS=power-law,real npm run bench
// (defaults: 4096, 5 runs, both inputs; 1 run above 8192²)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { has, table, timeCommand } from "./common.js";
import { kernelRows } from "./kernels.js";
import { makeDem, makeRealDem } from "./make-dem.js";
import { startupRows } from "./startup.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}bin/demgrad.js`;
const sizes = (process.env.BENCH_SIZES ?? "4096").split(",").map(Number);
// 5 rounds on the 4096² DEM, one on bigger ones (BENCH_RUNS overrides both).
const runsFor = (size) => Number(process.env.BENCH_RUNS ?? (size > 8192 ? 1 : 5));
const inputs = (process.env.BENCH_INPUTS ?? "power-law,real").split(",");
const gdaldem = has("gdaldem");
// numpy: the system Python (Debian's python3-numpy, beside GDAL's bindings) or the one on PATH.
const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import numpy"]).status === 0);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const gdalVersion = gdaldem
  ? spawnSync("gdalinfo", ["--version"], { encoding: "utf8" }).stdout.trim()
  : "no GDAL";
const { nativeFallbackReason } = await import(`${ROOT}dist/native.js`);
const { deflateBackend } = await import(`${ROOT}dist/io/libdeflate.js`);
console.log(
  `${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores; ${new Date().toISOString()}; ` +
    `Node ${process.version}; ${gdalVersion}; ` +
    `${nativeFallbackReason() === undefined ? "native kernels" : "JavaScript kernels"}, DEFLATE by ${deflateBackend()}`,
);

for (const size of sizes) {
  for (const input of inputs) {
    const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-`);
    try {
      const { path, reason } =
        input === "real" ? makeRealDem(dir, size) : { path: makeDem(dir, size, "Int16"), reason: undefined };
      if (!path) {
        console.log(`\n${size}×${size} real DEM: skipped (${reason})`);
        continue;
      }
      await benchDem(path, size, input, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The end-to-end tasks against gdaldem on one DEM, and (on the power-law DEM) the in-process kernels. */
async function benchDem(dem, size, input, dir) {
  const runs = runsFor(size);
  const mpx = (size * size) / 1e6;
  const rows = [];
  const row = (task, tool, r, ratio) =>
    rows.push({
      task,
      tool,
      "wall s": r.seconds.toFixed(2),
      "Mpx/s": (mpx / r.seconds).toFixed(1),
      "peak RSS MiB": Number.isNaN(r.rssMiB) ? "-" : r.rssMiB.toFixed(0),
      "ratio to reference": ratio === undefined ? "1.00" : ratio.toFixed(2),
    });
  /** Medians of a tool's rounds: wall time and peak RSS. */
  const summary = (rounds) => ({
    seconds: median(rounds.map((r) => r.seconds)),
    rssMiB: Math.max(...rounds.map((r) => r.rssMiB)),
  });
  const co = ["-co", "COMPRESS=DEFLATE", "-co", "TILED=YES", "-q"];
  const tasks = [
    [
      "slope (DEFLATE, tiled)",
      [BIN, "slope", dem, `${dir}/s.tif`, "-q"],
      [["slope", dem, `${dir}/gs.tif`, ...co]],
    ],
    [
      "hillshade PNG",
      [BIN, "hillshade", dem, `${dir}/h.png`, "-q"],
      [["hillshade", dem, `${dir}/gh.png`, "-of", "PNG", "-q"]],
    ],
    [
      "terrain: slope + aspect + hillshade PNG",
      [
        BIN,
        "terrain",
        dem,
        "--slope",
        `${dir}/ts.tif`,
        "--aspect",
        `${dir}/ta.tif`,
        "--hillshade",
        `${dir}/th.png`,
        "-q",
      ],
      [
        ["slope", dem, `${dir}/g1.tif`, ...co],
        ["aspect", dem, `${dir}/g2.tif`, ...co],
        ["hillshade", dem, `${dir}/g3.png`, "-of", "PNG", "-q"],
      ],
    ],
  ];
  // demgrad with its default threads, and with every core computing strips (to show what that does here).
  const cores = availableParallelism();
  for (const [task, ours, theirs] of tasks) {
    const variants = [["demgrad", ours]];
    if (cores > 1) variants.push([`demgrad --threads ${cores}`, [...ours, "--threads", String(cores)]]);
    // The default GeoTIFF is a COG (overviews, assembly): the plain layout shows what that costs.
    if (task.startsWith("slope")) variants.push(["demgrad --layout plain", [...ours, "--layout", "plain"]]);
    // Interleaved: each round runs demgrad (each variant) then gdaldem; the ratio is the median of the rounds'.
    const mine = variants.map(() => []);
    const reference = [];
    for (let i = 0; i < runs; i++) {
      variants.forEach(([, args], k) => {
        mine[k].push(timeCommand(process.execPath, args));
      });
      if (gdaldem) {
        const parts = theirs.map((args) => timeCommand("gdaldem", args));
        reference.push({
          seconds: parts.reduce((s, p) => s + p.seconds, 0),
          rssMiB: Math.max(...parts.map((p) => p.rssMiB)),
        });
      }
    }
    if (gdaldem)
      row(task, theirs.length > 1 ? `gdaldem (${theirs.length} runs)` : "gdaldem", summary(reference));
    for (const [k, [tool]] of variants.entries()) {
      const ratio = gdaldem ? median(mine[k].map((m, i) => m.seconds / reference[i].seconds)) : undefined;
      row(task, tool, summary(mine[k]), ratio);
    }
  }
  const kernels = input === "power-law" && size <= 8192;
  if (kernels) coreRows(size, runs, dir, row);
  const what =
    input === "real"
      ? "real DEM (SRTM 30 m, UTM 11N, mirrored)"
      : "power-law DEM (amplitude ∝ k^−1.6, 30 m UTM, a nodata hole)";
  console.log(
    `\n${size}×${size} Int16 ${what}, DEFLATE-tiled (median of ${runs} interleaved rounds; ratio < 1 means demgrad is faster)`,
  );
  table(rows);
  if (kernels) {
    console.log(
      `\nKernels on the ${size}×${size} power-law DEM: in process, one thread, fastest of ${runs} passes`,
    );
    table(await kernelRows(dem, runs));
    // The JavaScript fallback (no native kernels built, or DEMGRAD_NATIVE=js), in a process of its own.
    const fallback = spawnSync(process.execPath, [`${ROOT}bench/kernels.js`, dem], {
      encoding: "utf8",
      env: { ...process.env, DEMGRAD_NATIVE: "js", BENCH_RUNS: String(runs) },
    });
    console.log(`\nThe same with the JavaScript kernels (DEMGRAD_NATIVE=js):`);
    console.log(
      fallback.status === 0 ? fallback.stdout.split("\n").slice(1).join("\n").trimEnd() : fallback.stderr,
    );
    console.log(
      `\nStart-up (median of ${2 * runs - 1} interleaved rounds; first strip: demgrad slope on this DEM)`,
    );
    table(startupRows(dem, 2 * runs - 1));
  }
}

/**
 * The gradient core against numpy.gradient on a size² float64 array (in-process timings, best of `runs`: the
 * JIT and caches warm). Also run
 * with glibc's huge-page tunable: numpy asks the kernel for huge pages for its large arrays (madvise), V8 does not,
 * and where a 4 KiB page fault is slow (virtual machines) filling the fresh output arrays dominates.
 */
function coreRows(size, runs, dir, row) {
  const task = "gradient core, float64 (in-process)";
  const script = `${dir}/core.mjs`;
  writeFileSync(
    script,
    `import { gradient } from "${ROOT}dist/index.js";
     const n = ${size}; const data = new Float64Array(n * n).map((_, i) => Math.sin(i * 1e-3));
     gradient({ data, shape: [n, n] }); let t = 1e9;
     for (let k = 0; k < ${runs}; k++) { const s = performance.now(); gradient({ data, shape: [n, n] }); t = Math.min(t, performance.now() - s); }
     console.log(t / 1000);`,
  );
  const inProcess = (command, args, env = process.env) => ({
    seconds: Number(timeCommand(command, args, { env }).stdout),
    rssMiB: Number.NaN,
  });
  const core = inProcess(process.execPath, [script]);
  const hugePages = inProcess(process.execPath, [script], {
    ...process.env,
    GLIBC_TUNABLES: "glibc.malloc.hugetlb=1",
  });
  if (!python) {
    row(task, "demgrad gradient()", core);
    return;
  }
  const py = `import numpy as np, time\nn=${size}\na=np.sin(np.arange(n*n)*1e-3).reshape(n,n)\nnp.gradient(a)\nt=1e9\nfor k in range(${runs}):\n s=time.perf_counter(); np.gradient(a); t=min(t,time.perf_counter()-s)\nprint(t)`;
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const numpy = inProcess(python, ["-c", py], env);
  row(task, "numpy.gradient", numpy);
  row(task, "demgrad gradient()", core, core.seconds / numpy.seconds);
  row(task, "demgrad gradient(), glibc huge pages", hugePages, hugePages.seconds / numpy.seconds);
}
