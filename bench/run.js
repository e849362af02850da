// `npm run bench`: demgrad against gdaldem (same output settings) and the gradient core against numpy.gradient,
// interleaved in one run on the same generated DEM. Prints wall time, Mpixel/s, peak RSS and the ratio.
// BENCH_SIZES=4096,16384 npm run bench   (default 4096)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { has, table, timeCommand } from "./common.js";
import { makeDem } from "./make-dem.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}bin/demgrad.js`;
const sizes = (process.env.BENCH_SIZES ?? "4096").split(",").map(Number);
// Best of 3 runs on the 4096² DEM, one run on bigger ones (BENCH_RUNS overrides both).
const runsFor = (size) => Number(process.env.BENCH_RUNS ?? (size > 8192 ? 1 : 3));
const gdaldem = has("gdaldem");
const python = has("python3");

for (const size of sizes) {
  const runs = runsFor(size);
  const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-`);
  try {
    const dem = makeDem(dir, size, "Int16");
    const mpx = (size * size) / 1e6;
    const rows = [];
    const row = (task, tool, r, baseline) =>
      rows.push({
        task,
        tool,
        "wall s": r.seconds.toFixed(2),
        "Mpx/s": (mpx / r.seconds).toFixed(1),
        "peak RSS MiB": Number.isNaN(r.rssMiB) ? "-" : r.rssMiB.toFixed(0),
        "ratio to reference": baseline ? (r.seconds / baseline.seconds).toFixed(2) : "1.00",
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
      // Interleaved: each round runs demgrad (each variant) then gdaldem, keeping the best of each.
      const mine = variants.map(() => undefined);
      let reference;
      for (let i = 0; i < runs; i++) {
        variants.forEach(([, args], k) => {
          const m = timeCommand(process.execPath, args);
          if (!mine[k] || m.seconds < mine[k].seconds) mine[k] = m;
        });
        if (gdaldem) {
          const parts = theirs.map((args) => timeCommand("gdaldem", args));
          const sum = {
            seconds: parts.reduce((s, p) => s + p.seconds, 0),
            rssMiB: Math.max(...parts.map((p) => p.rssMiB)),
          };
          if (!reference || sum.seconds < reference.seconds) reference = sum;
        }
      }
      if (reference) row(task, "gdaldem", reference);
      for (const [k, [tool]] of variants.entries()) row(task, tool, mine[k], reference);
    }
    if (size <= 8192) coreRows(size, runs, dir, row);
    console.log(
      `\n${size}×${size} Int16 DEM, DEFLATE-tiled, UTM 30 m (best of ${runs}; ratio < 1 means demgrad is faster)`,
    );
    table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The gradient core against numpy.gradient on a size² float64 array (in-process timings, best of `runs`). Also run
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
  const numpy = inProcess("python3", ["-c", py], env);
  row(task, "numpy.gradient", numpy);
  row(task, "demgrad gradient()", core, numpy);
  row(task, "demgrad gradient(), glibc huge pages", hugePages, numpy);
}
