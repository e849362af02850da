// `npm run bench`: demgrad against gdaldem (same output settings) and the gradient core against numpy.gradient,
// interleaved in one run on the same generated DEM. Prints wall time, Mpixel/s, peak RSS and the ratio.
// BENCH_SIZES=4096,16384 npm run bench   (default 4096)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { best, has, table, timeCommand } from "./common.js";
import { makeDem } from "./make-dem.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}bin/demgrad.js`;
const sizes = (process.env.BENCH_SIZES ?? "4096").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const gdaldem = has("gdaldem");
const python = has("python3");

for (const size of sizes) {
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
    for (const [task, ours, theirs] of tasks) {
      // Interleaved: each round runs demgrad then gdaldem, keeping the best of each.
      let mine;
      let reference;
      for (let i = 0; i < runs; i++) {
        const m = timeCommand(process.execPath, ours);
        if (!mine || m.seconds < mine.seconds) mine = m;
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
      row(task, "demgrad", mine, reference);
    }
    // The gradient core against numpy.gradient on a size² float64 array (in-process timings).
    const script = `${dir}/core.mjs`;
    writeFileSync(
      script,
      `import { gradient } from "${ROOT}dist/index.js";
       const n = ${size}; const data = new Float64Array(n * n).map((_, i) => Math.sin(i * 1e-3));
       gradient({ data, shape: [n, n] }); let t = 1e9;
       for (let k = 0; k < ${runs}; k++) { const s = performance.now(); gradient({ data, shape: [n, n] }); t = Math.min(t, performance.now() - s); }
       console.log(t / 1000);`,
    );
    const core = { seconds: Number(timeCommand(process.execPath, [script]).stdout), rssMiB: Number.NaN };
    if (python) {
      const py = `import numpy as np, time\nn=${size}\na=np.sin(np.arange(n*n)*1e-3).reshape(n,n)\nnp.gradient(a)\nt=1e9\nfor k in range(${runs}):\n s=time.perf_counter(); np.gradient(a); t=min(t,time.perf_counter()-s)\nprint(t)`;
      const env = { ...process.env };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      const numpy = {
        seconds: Number(best(1, () => timeCommand("python3", ["-c", py], { env })).stdout),
        rssMiB: Number.NaN,
      };
      row("gradient core, float64 (in-process)", "numpy.gradient", numpy);
      row("gradient core, float64 (in-process)", "demgrad gradient()", core, numpy);
    } else {
      row("gradient core, float64 (in-process)", "demgrad gradient()", core);
    }
    console.log(
      `\n${size}×${size} Int16 DEM, DEFLATE-tiled, UTM 30 m (best of ${runs}; ratio < 1 means demgrad is faster)`,
    );
    table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
