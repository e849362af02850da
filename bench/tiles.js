// `npm run bench:tiles`: `demgrad tiles --product hillshade` against the pipeline users run today, `gdaldem
// hillshade` then `gdal2tiles.py` (Debian's gdal-bin), for the same zooms, in the same run. Rounds are interleaved
// and the ratio is the median of the rounds' ratios. After the table: the CPU times (on a busy machine steadier
// than wall times) and, from one more run in this process, when each of demgrad's phases ended.
// Usage: node bench/tiles.js [size] [rounds] [zooms] [jobs]
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { has, table, timeCommand } from "./common.js";
import { makeDem } from "./make-dem.js";

const size = Number(process.argv[2] ?? 4096);
const rounds = Number(process.argv[3] ?? 3);
const zooms = process.argv[4] ?? "8-12";
const jobs = process.argv[5] ? ["--jobs", process.argv[5]] : [];
const bin = fileURLToPath(new URL("../bin/demgrad.js", import.meta.url));
const pyramid = new URL("../dist/tiles/pyramid.js", import.meta.url).href;
const processes = String(availableParallelism());

/** Number of tile files under a folder. */
function countTiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (/\.png$/.test(String(entry)) && statSync(join(dir, String(entry))).isFile()) n++;
  }
  return n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-tiles-`);
try {
  if (!has("gdal_translate"))
    throw new Error("the benchmark DEM is made with gdal_translate: install gdal-bin");
  const dem = makeDem(dir, size, "Int16");
  const gdal = has("gdaldem") && has("gdal2tiles.py");
  const ours = [];
  const theirs = [];
  let ourTiles = 0;
  let theirTiles = 0;
  for (let round = 0; round < rounds; round++) {
    const out = `${dir}/demgrad-${round}`;
    ours.push(
      timeCommand(process.execPath, [
        bin,
        "tiles",
        dem,
        out,
        "--product",
        "hillshade",
        "--zoom",
        zooms,
        "-q",
      ]),
    );
    ourTiles = countTiles(out);
    rmSync(out, { recursive: true, force: true });
    if (gdal) {
      const shade = `${dir}/shade-${round}.tif`;
      const tiles = `${dir}/gdal2tiles-${round}`;
      const a = timeCommand("gdaldem", ["hillshade", "-q", "-compute_edges", dem, shade]);
      const b = timeCommand("gdal2tiles.py", [
        "-q",
        "--xyz",
        "-z",
        zooms,
        "-w",
        "none",
        `--processes=${processes}`,
        shade,
        tiles,
      ]);
      theirs.push({
        seconds: a.seconds + b.seconds,
        rssMiB: Math.max(a.rssMiB, b.rssMiB),
        cpuSeconds: a.cpuSeconds + b.cpuSeconds,
      });
      theirTiles = countTiles(tiles);
      rmSync(tiles, { recursive: true, force: true });
      rmSync(shade, { force: true });
    }
  }
  const row = (tool, runs, tiles) => ({
    tool,
    "wall s (median)": median(runs.map((r) => r.seconds)).toFixed(2),
    "peak RSS MiB": Math.max(...runs.map((r) => r.rssMiB)).toFixed(0),
    tiles,
  });
  console.log(
    `hillshade tiles, zooms ${zooms}, ${size}×${size} Int16 UTM DEM (30 m), ${rounds} rounds, ${processes} cores`,
  );
  const rows = [row(`demgrad tiles${jobs.length ? ` --jobs ${jobs[1]}` : ""}`, ours, ourTiles)];
  if (gdal) rows.push(row(`gdaldem hillshade + gdal2tiles.py --processes=${processes}`, theirs, theirTiles));
  table(rows);
  if (gdal) {
    const ratio = median(ours.map((o, i) => o.seconds / theirs[i].seconds));
    console.log(`\ndemgrad / (gdaldem + gdal2tiles.py) wall time: ${ratio.toFixed(2)}× (goal ≤ 0.5×)`);
  } else console.log("\ngdaldem or gdal2tiles.py not installed: no comparison");
  const cpu = (runs) => `${median(runs.map((r) => r.cpuSeconds)).toFixed(2)} s`;
  console.log(
    `CPU time (user + system, median): demgrad ${cpu(ours)}` +
      (gdal ? `, gdaldem + gdal2tiles.py ${cpu(theirs)}` : ""),
  );
  const { writeTiles } = await import(pyramid);
  const out = `${dir}/demgrad-phases`;
  const options = { product: "hillshade", zoom: zooms, ...(jobs.length ? { jobs: jobs[1] } : {}) };
  const { phases, seconds } = await writeTiles([dem], out, options);
  const at = (s) => `${s.toFixed(2)} s`;
  console.log(
    `demgrad phases (one more run, in this process): DEM read ${at(phases.read)}, full-resolution terrain ` +
      `${phases.terrain > 0 ? at(phases.terrain) : "not needed"}, all tiles ${at(phases.tiles)}, done ${at(seconds)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
