// TRI, TPI and roughness. --compat gdaldem against gdaldem 3.6 itself on every real sample (and gdaldem's
// -compute_edges against the kernel with edges on); the default mode on analytic surfaces: on a plane every measure
// is known in closed form at every cell, borders and the rims of nodata holes included (missing neighbours are
// mirrored through the centre, exact on a plane), and on a bowl TPI is −1.5·k·h² inside; values in metres on feet
// DEMs; the bad paths.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { georefFromEpsg, openDem, processDem, writeGeoTiff } from "../../dist/index.js";
import { neighbourhoodKernel } from "../../dist/terrain/neighbourhood.js";
import { demgrad, HAS_GDAL } from "../helpers/cli.js";
import { readBand } from "../helpers/raster.js";
import { ALL_SAMPLES, missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-neighbourhood-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const NODATA = -9999;

/** gdaldem's modes and the demgrad product and options that must equal them. */
const MODES = [
  { name: "TRI", gdal: ["TRI"], product: "tri", measure: "tri-riley", ours: {} },
  { name: "TRI -alg Riley", gdal: ["TRI", "-alg", "Riley"], product: "tri", measure: "tri-riley", ours: {} },
  {
    name: "TRI -alg Wilson",
    gdal: ["TRI", "-alg", "Wilson"],
    product: "tri",
    measure: "tri-wilson",
    ours: { triMethod: "wilson" },
  },
  { name: "TPI", gdal: ["TPI"], product: "tpi", measure: "tpi", ours: {} },
  { name: "roughness", gdal: ["roughness"], product: "roughness", measure: "roughness", ours: {} },
];

function gdaldem(args) {
  const run = spawnSync("gdaldem", [...args, "-q"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
}

/** The largest difference and the cells whose nodata differs. */
function differences(ours, theirs) {
  assert.equal(ours.length, theirs.length);
  let max = 0;
  let mask = 0;
  for (let i = 0; i < ours.length; i++) {
    if ((ours[i] === NODATA) !== (theirs[i] === NODATA)) mask++;
    else if (ours[i] !== NODATA) max = Math.max(max, Math.abs(ours[i] - theirs[i]));
  }
  return { max, mask };
}

/** The DEM's elevations in stored units, NaN = nodata, as the pipeline hands them to the kernels. */
async function elevations(file) {
  // In the file's units with NaN for nodata, as gdaldem sees them (readDem would give metres).
  const dem = await openDem(file, { warn: () => {} });
  try {
    return { data: await dem.readRows(0, dem.height), width: dem.width, height: dem.height };
  } finally {
    await dem.close();
  }
}

/** The kernel over the whole DEM in strips of `stripRows` rows, each read with its one-row halo. */
function runKernel({ data, width, height }, options, stripRows = 7) {
  const compute = neighbourhoodKernel({ nodata: NODATA, ...options });
  const out = new Float32Array(width * height);
  for (let first = 0; first < height; first += stripRows) {
    const rows = Math.min(stripRows, height - first);
    const readFirst = Math.max(0, first - 1);
    const readEnd = Math.min(height, first + rows + 1);
    const strip = {
      data: data.subarray(readFirst * width, readEnd * width),
      width,
      rows: readEnd - readFirst,
      firstRow: readFirst,
      demHeight: height,
    };
    const part = new Float32Array(rows * width);
    compute({ strip, firstRow: first, rows, x: 0, width }, 1, part);
    out.set(part, first * width);
  }
  return out;
}

describe("--compat gdaldem equals gdaldem 3.6 on every real sample", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  for (const file of ALL_SAMPLES) {
    test(file, { skip: missing(file) }, async () => {
      const stem = `${dir}/${file}`;
      const ours = (mode) => `${stem}.${mode.product}${mode.ours.triMethod ?? ""}.ours.tif`;
      const [riley, , wilson, tpi, roughness] = MODES;
      // One pass for three products, as a user would run it, and Wilson on its own.
      const terrain = demgrad([
        "terrain",
        sample(file),
        "--tri",
        ours(riley),
        "--tpi",
        ours(tpi),
        "--roughness",
        ours(roughness),
        "--compat",
        "gdaldem",
        "-q",
      ]);
      assert.equal(terrain.status, 0, terrain.stderr);
      const own = demgrad([
        "tri",
        sample(file),
        ours(wilson),
        "--tri-method",
        "wilson",
        "--compat",
        "gdaldem",
        "-q",
      ]);
      assert.equal(own.status, 0, own.stderr);
      const dem = await elevations(sample(file));
      for (const mode of MODES) {
        const theirs = `${stem}.${mode.name.replace(/\W+/g, "_")}`;
        gdaldem([...mode.gdal, sample(file), `${theirs}.tif`]);
        gdaldem([...mode.gdal, sample(file), `${theirs}.edges.tif`, "-compute_edges"]);
        const expected = (await readBand(`${theirs}.tif`)).data;
        // Measured: identical to the last bit on every sample (Debian's GDAL 3.6.2 on x86-64); 1e-3 leaves room for
        // other builds' rounding (fused multiply-adds in Riley's sum).
        const cli = differences((await readBand(ours(mode))).data, expected);
        assert.equal(cli.mask, 0, `${file} ${mode.name}: nodata differs at ${cli.mask} cells`);
        assert.ok(cli.max <= 1e-3, `${file} ${mode.name}: differs by ${cli.max}`);
        // -compute_edges: the --compat gdaldem kernel with edges on (the command line's --compat turns edges off).
        const edges = differences(
          runKernel(dem, { measure: mode.measure, gdaldem: true, edges: true }),
          (await readBand(`${theirs}.edges.tif`)).data,
        );
        assert.equal(
          edges.mask,
          0,
          `${file} ${mode.name} -compute_edges: nodata differs at ${edges.mask} cells`,
        );
        assert.ok(edges.max <= 1e-3, `${file} ${mode.name} -compute_edges: differs by ${edges.max}`);
        // The same through the command line: --compat gdaldem --compute-edges.
        const method = mode.ours.triMethod ? ["--tri-method", mode.ours.triMethod] : [];
        const withEdges = `${theirs}.ours-edges.tif`;
        const run = demgrad([
          mode.product,
          sample(file),
          withEdges,
          "--compat",
          "gdaldem",
          "--compute-edges",
          "-q",
          ...method,
        ]);
        assert.equal(run.status, 0, run.stderr);
        const cliEdges = differences(
          (await readBand(withEdges)).data,
          (await readBand(`${theirs}.edges.tif`)).data,
        );
        assert.equal(
          cliEdges.mask,
          0,
          `${file} ${mode.name} --compute-edges: nodata differs at ${cliEdges.mask} cells`,
        );
        assert.ok(cliEdges.max <= 1e-3, `${file} ${mode.name} --compute-edges: differs by ${cliEdges.max}`);
      }
    });
  }
});

// A 30 m UTM grid at the central meridian; the measures read no spacing, only heights.
const [W, H, PIXEL] = [40, 30, 30];
const like = georefFromEpsg(32633, [500000 - 600, PIXEL, 0, 4500000 + 450, 0, -PIXEL], {
  width: W,
  height: H,
});

async function surface(name, z, { units, hole = () => false } = {}) {
  const data = new Float64Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) data[r * W + c] = hole(r, c) ? Number.NaN : z(r, c);
  const path = `${dir}/${name}.tif`;
  await writeGeoTiff(path, { width: W, height: H, data }, { like, ...(units ? { units: [units] } : {}) });
  return path;
}

async function product(dem, name, options = {}) {
  const out = `${dem}.${name}.${Object.values(options).join("-") || "default"}.tif`;
  await processDem(dem, { [name]: out }, { warn: () => {}, ...options });
  return (await readBand(out)).data;
}

// The plane z = 1000 + A·column + B·row: each neighbour differs by A·dc + B·dr (the cross terms cancel in sums).
const [A, B] = [6, 3];
const plane = (r, c) => 1000 + A * c + B * r;
const PLANE = {
  tri: Math.sqrt(6 * (A * A + B * B)),
  "tri wilson": (Math.abs(A) + Math.abs(B) + Math.abs(A + B) + Math.abs(A - B)) / 4,
  tpi: 0,
  roughness: 2 * (Math.abs(A) + Math.abs(B)),
};
// A block, a single cell and a corner of nodata, and cell (16, 32) between two nodata cells: its row pair is missing
// both sides and takes the plane of the other pairs.
const HOLE = (r, c) =>
  (r >= 10 && r < 14 && c >= 15 && c < 20) ||
  (r === 20 && c === 5) ||
  (r === 0 && c === 0) ||
  (r === 16 && (c === 31 || c === 33));
const MEASURED = [
  ["tri", {}],
  ["tri wilson", { triMethod: "wilson" }],
  ["tpi", {}],
  ["roughness", {}],
];

test("a plane: TRI, TPI and roughness in closed form at every cell, borders and corners included", async () => {
  const dem = await surface("plane", plane);
  for (const [name, options] of MEASURED) {
    const values = await product(dem, name.split(" ")[0], options);
    // Float64 heights: the Float32 output's rounding is the error (measured 1.4e-7).
    for (let i = 0; i < values.length; i++)
      assert.ok(Math.abs(values[i] - PLANE[name]) < 3e-7, `${name} at ${i}: ${values[i]} vs ${PLANE[name]}`);
  }
});

test("a plane with nodata holes: no rim, cells next to a hole (or between two) equal the plane's", async () => {
  const dem = await surface("plane-holes", plane, { hole: HOLE });
  for (const [name, options] of MEASURED) {
    const values = await product(dem, name.split(" ")[0], options);
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const i = r * W + c;
        const expected = HOLE(r, c) ? NODATA : PLANE[name];
        assert.ok(
          Math.abs(values[i] - expected) < 3e-7,
          `${name} at row ${r} column ${c}: ${values[i]} vs ${expected}`,
        );
      }
    }
  }
});

test("a bowl: TPI is −1.5·k·h² inside; at borders and holes only the pairs with both neighbours count", async () => {
  // z = 500 + k·(Δc² + Δr²) in pixels with k·h² = 0.09 m: each opposite pair's mean exceeds the centre by
  // k·h²·(its squared length), 1 along an axis and 2 on a diagonal, so a full window gives −(2·(1 + 1 + 2 + 2)/8)·k·h².
  const kh2 = 0.09;
  const bowl = (r, c) => 500 + kh2 * ((c - 20) ** 2 + (r - 14) ** 2);
  const dem = await surface("bowl", bowl, { hole: HOLE });
  const values = await product(dem, "tpi");
  const valid = (r, c) => r >= 0 && r < H && c >= 0 && c < W && !HOLE(r, c);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      if (HOLE(r, c)) continue;
      // A pair with both sides adds its excess; one mirrored or taken from the plane of the others adds none.
      let excess = 0;
      let known = 0;
      for (const [dr, dc] of [
        [0, 1],
        [1, 0],
        [1, 1],
        [1, -1],
      ]) {
        const [a, b] = [valid(r + dr, c + dc), valid(r - dr, c - dc)];
        if (a && b) excess += 2 * kh2 * (dr * dr + dc * dc);
        if (a || b) known++;
      }
      // The plane needs two directions; no cell of this grid lacks them.
      assert.ok(known >= 2);
      const expected = -excess / 8;
      const i = r * W + c;
      // Measured error 5.4e-9.
      assert.ok(Math.abs(values[i] - expected) < 2e-8, `row ${r} column ${c}: ${values[i]} vs ${expected}`);
    }
  }
  // Well inside, the textbook value.
  assert.ok(Math.abs(values[5 * W + 30] + 1.5 * kh2) < 2e-8, `${values[5 * W + 30]}`);
});

test("feet: the default mode writes metres, --compat gdaldem the file's unit", async () => {
  const US_FOOT = 1200 / 3937;
  const dem = await surface("plane-us-ft", plane, { units: "us-ft" });
  const metres = await product(dem, "roughness");
  const feet = await product(dem, "roughness", { compat: "gdaldem" });
  for (let r = 1; r < H - 1; r++) {
    for (let c = 1; c < W - 1; c++) {
      // Measured error 1.2e-7 (Float32 output).
      assert.ok(
        Math.abs(metres[r * W + c] - PLANE.roughness * US_FOOT) < 3e-7,
        `metres ${metres[r * W + c]}`,
      );
      assert.equal(feet[r * W + c], PLANE.roughness);
    }
  }
});

test("feet, real: inldata_dem (Int16, band unit ft) in metres is gdaldem's value × 0.3048 away from borders and holes", {
  skip: missing("inldata_dem.tif"),
}, async () => {
  const file = sample("inldata_dem.tif");
  for (const [name, options] of MEASURED) {
    const out = (tag) => `${dir}/inldata.${name.replace(" ", "-")}.${tag}.tif`;
    await processDem(file, { [name.split(" ")[0]]: out("m") }, { warn: () => {}, ...options });
    await processDem(
      file,
      { [name.split(" ")[0]]: out("ft") },
      { warn: () => {}, compat: "gdaldem", ...options },
    );
    const metres = (await readBand(out("m"))).data;
    const feet = (await readBand(out("ft"))).data;
    let compared = 0;
    for (let i = 0; i < feet.length; i++) {
      if (feet[i] === NODATA) continue;
      // Float32 either side: measured relative difference 1.05e-7 (Riley), 5.9e-8 (the others).
      const expected = feet[i] * 0.3048;
      assert.ok(
        Math.abs(metres[i] - expected) <= 2e-7 * Math.abs(expected),
        `${name} ${i}: ${metres[i]} vs ${expected}`,
      );
      compared++;
    }
    assert.ok(compared > 1e6, `${compared} cells compared`);
  }
});

describe("bad paths", () => {
  const storml = sample("storml_elev.tif");

  test("--tri-method bogus: exit 2 and one demgrad: line; the library refuses it too", async () => {
    const run = demgrad(["tri", storml, `${dir}/bogus.tif`, "--tri-method", "bogus"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^demgrad: .*--tri-method.*bogus.*riley, wilson\.?\n$/);
    await assert.rejects(
      processDem(storml, { tri: `${dir}/bogus-lib.tif` }, { triMethod: "bogus" }),
      (e) => e.code === "USAGE" && /TRI method/.test(e.message) && /riley/.test(e.message),
    );
  });

  test("TRI to a .png is refused, naming the file", () => {
    const run = demgrad(["tri", storml, `${dir}/tri.png`]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^demgrad: .*tri\.png: tri is written as GeoTIFF: use a \.tif name\n$/);
  });
});

test("the command, terrain and the library give the same file", async () => {
  const dem = sample("storml_elev.tif");
  const own = `${dir}/own.tpi.tif`;
  const terrain = `${dir}/terrain.tpi.tif`;
  const library = `${dir}/library.tpi.tif`;
  assert.equal(demgrad(["tpi", dem, own, "-q"]).status, 0);
  assert.equal(
    demgrad(["terrain", dem, "--tpi", terrain, "--tri", `${dir}/terrain.tri.tif`, "-q"]).status,
    0,
  );
  await processDem(dem, { tpi: library }, { warn: () => {} });
  assert.deepEqual(readFileSync(terrain), readFileSync(own));
  assert.deepEqual(readFileSync(library), readFileSync(own));
});
