// COG outputs (issue 16): GDAL's validator passes every product's default output with no warning, overviews hold
// the declared resampling (checked with GDAL reading the overview and numpy), the header is a few range requests
// over HTTP, the scratch file never survives, and the plain layout is today's.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import { createRasterWriter, describeDem, processDem, readDem, writeGeoTiff } from "../../dist/index.js";
import { needsBigTiff } from "../../dist/io/geotiff-writer.js";
import { overviewSizes, RowReducer } from "../../dist/io/overviews.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

const PYTHON = "/usr/bin/python3";
const VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
const HAS_PY_GDAL = spawnSync(PYTHON, ["-c", "from osgeo import gdal; import numpy"]).status === 0;
const NO_PY_GDAL = !HAS_PY_GDAL && "python3-gdal with numpy not installed";

const dir = mkdtempSync(`${tmpdir()}/demgrad-cog-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const fresh = (name) => mkdtempSync(`${dir}/${name}-`);

/** Runs GDAL's COG validator; returns its output (it fails the test on an error or a warning). */
function validate(file) {
  const result = spawnSync(PYTHON, [VALIDATOR, "--full-check=yes", file], { encoding: "utf8" });
  assert.equal(result.status, 0, `${file}: ${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /is a valid cloud optimized GeoTIFF/, file);
  assert.doesNotMatch(result.stdout + result.stderr, /warning/i, file);
  return result.stdout;
}

/** Runs a Python snippet with GDAL and numpy; its last printed line is JSON. */
function python(code, ...args) {
  const result = spawnSync(PYTHON, ["-c", code, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

/** 2×2 reductions in numpy, the reference for the overviews GDAL reads (dataset kept in a variable). */
const OVERVIEW_CHECK = `
import sys, json
import numpy as np
from osgeo import gdal
path, kind, nodata = sys.argv[1], sys.argv[2], float(sys.argv[3])
ds = gdal.Open(path)
band = ds.GetRasterBand(1)
full = band.ReadAsArray().astype(np.float64)
ovr = band.GetOverview(0)
got = ovr.ReadAsArray().astype(np.float64)
h, w = full.shape
H, W = (h + 1) // 2, (w + 1) // 2
padded = np.full((2 * H, 2 * W), np.nan)
padded[:h, :w] = np.where(full == nodata, np.nan, full)
blocks = padded.reshape(H, 2, W, 2).transpose(0, 2, 1, 3).reshape(H, W, 4)
valid = ~np.isnan(blocks)
count = valid.sum(axis=2)
empty = count == 0
with np.errstate(invalid="ignore", divide="ignore"):
    if kind == "circular":
        r = np.radians(np.where(valid, blocks, 0))
        s = np.where(valid, np.sin(r), 0).sum(axis=2)
        c = np.where(valid, np.cos(r), 0).sum(axis=2)
        expected = np.degrees(np.arctan2(s, c)) % 360
        arithmetic = np.nansum(blocks, axis=2) / count
        # Directions that cancel out (opposite slopes) have no mean direction: not compared.
        cancelled = np.hypot(s, c) < 1e-3 * np.maximum(count, 1)
    else:
        expected = np.nansum(blocks, axis=2) / count
        arithmetic = expected
        if kind == "average":
            expected = np.floor(expected + 0.5)
ok = ~empty
cancelled_cells = 0
if kind == "circular":
    ok = ok & ~cancelled
    cancelled_cells = int((cancelled & ~empty).sum())
    diff = np.abs((got - expected + 180) % 360 - 180)
    wrong_by_arithmetic = int((np.abs((arithmetic - expected + 180) % 360 - 180)[ok] > 10).sum())
else:
    diff = np.abs(got - expected)
    wrong_by_arithmetic = 0
print(json.dumps({
    "size": [ovr.XSize, ovr.YSize],
    "overviews": band.GetOverviewCount(),
    "maxDiff": float(diff[ok].max()),
    "maxValue": float(np.abs(expected[ok]).max()),
    "nodataWhereEmpty": bool((got[empty] == nodata).all()),
    "nodataOnlyWhereEmpty": int(((got == nodata) & ~empty).sum()),
    "emptyCells": int(empty.sum()),
    "partialCells": int(((count > 0) & (count < 4)).sum()),
    "wrongByArithmetic": wrong_by_arithmetic,
    "cancelled": cancelled_cells,
}))
`;

/** What readDem gives for stored metre values: float64, NaN for nodata. */
const elevations = (stored, nodata) => Float64Array.from(stored, (v) => (v === nodata ? Number.NaN : v));

/** A stripped copy of a sample, and a south-up version (rows reversed, gt[5] > 0) written in the plain layout. */
async function inputs(sub) {
  const tiled = sample("inldata_dem.tif");
  const stripped = `${sub}/stripped.tif`;
  gdal("gdal_translate", ["-q", "-co", "TILED=NO", "-co", "COMPRESS=DEFLATE", tiled, stripped]);
  const dem = await readDem(tiled);
  const { width, height } = dem;
  const flipped = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    flipped.set(dem.data.subarray((height - 1 - r) * width, (height - r) * width), r * width);
  }
  const gt = dem.georef.geoTransform;
  const southUp = `${sub}/south-up.tif`;
  await writeGeoTiff(
    southUp,
    { width, height, data: flipped },
    {
      like: { ...dem.georef, geoTransform: [gt[0], gt[1], 0, gt[3] + height * gt[5], 0, -gt[5]] },
      nodata: dem.nodata,
      layout: "plain",
    },
  );
  return { tiled, stripped, southUp };
}

describe("every product's default output is a valid COG", {
  skip: (!HAS_GDAL && "gdal-bin not installed") || NO_PY_GDAL || missing("inldata_dem.tif"),
}, () => {
  let sub;
  let files;
  before(async () => {
    sub = fresh("products");
    files = await inputs(sub);
  });

  for (const input of ["tiled", "stripped", "southUp"]) {
    test(`${input} input: slope, aspect, hillshade .tif, gradient`, async () => {
      const out = {
        slope: `${sub}/${input}-slope.tif`,
        aspect: `${sub}/${input}-aspect.tif`,
        hillshade: `${sub}/${input}-shade.tif`,
        gradient: `${sub}/${input}-gradient.tif`,
      };
      await processDem(files[input], out, { threads: 1 });
      for (const file of Object.values(out)) {
        validate(file);
        const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
        // 1145×1142: 573×571, then 287×286 (≤ 512).
        for (const band of info.bands) {
          assert.deepEqual(band.block, [512, 512], file);
          assert.deepEqual(
            band.overviews.map((o) => o.size),
            [
              [573, 571],
              [287, 286],
            ],
            file,
          );
        }
      }
      if (input === "southUp") {
        const slope = JSON.parse(gdal("gdalinfo", ["-json", out.slope]).stdout);
        assert.ok(slope.geoTransform[5] > 0, "south-up kept");
      }
      // Nothing but the outputs (and the inputs) is left in the folder: the scratch files are gone.
      assert.deepEqual(
        readdirSync(sub).filter((name) => name.startsWith(".")),
        [],
      );
    });
  }

  test("slope's first overview is the 2×2 mean of the full resolution, nodata only where all four are", () => {
    const result = python(OVERVIEW_CHECK, `${sub}/tiled-slope.tif`, "mean", "-9999");
    assert.deepEqual(result.size, [573, 571]);
    // Float32 storage of the mean of float32 values: below 2⁻²³ of the largest value, here < 90°.
    assert.ok(result.maxDiff <= result.maxValue * 2 ** -22, `max difference ${result.maxDiff}`);
    assert.equal(result.nodataWhereEmpty, true);
    assert.equal(result.nodataOnlyWhereEmpty, 0);
    assert.ok(result.partialCells > 0, "the odd edges and nodata borders give partial cells");
  });

  test("aspect's first overview is the circular mean of the valid cells", () => {
    const result = python(OVERVIEW_CHECK, `${sub}/tiled-aspect.tif`, "circular", "-9999");
    assert.ok(result.maxDiff < 1e-3, `max angle difference ${result.maxDiff}°`);
    assert.equal(result.nodataWhereEmpty, true);
    assert.equal(result.nodataOnlyWhereEmpty, 0);
    // The check can tell: an arithmetic mean is far off where directions straddle north.
    assert.ok(result.wrongByArithmetic > 0);
  });

  test("hillshade's first overview is GDAL's AVERAGE: the mean of the non-zero cells, rounded half up", () => {
    const result = python(OVERVIEW_CHECK, `${sub}/tiled-shade.tif`, "average", "0");
    assert.equal(result.maxDiff, 0);
    assert.equal(result.nodataOnlyWhereEmpty, 0);
  });

  test("the gradient's second band and the second overview level follow the same mean", () => {
    const result = python(
      `
import json
import numpy as np
from osgeo import gdal
ds = gdal.Open("${sub}/tiled-gradient.tif")
band = ds.GetRasterBand(2)
first = band.GetOverview(0).ReadAsArray().astype(np.float64)
second = band.GetOverview(1).ReadAsArray().astype(np.float64)
h, w = first.shape
padded = np.full((h + h % 2, w + w % 2), np.nan)
padded[:h, :w] = np.where(first == -9999, np.nan, first)
H, W = padded.shape[0] // 2, padded.shape[1] // 2
blocks = padded.reshape(H, 2, W, 2).transpose(0, 2, 1, 3).reshape(H, W, 4)
with np.errstate(invalid="ignore"):
    expected = np.nanmean(blocks, axis=2)
ok = ~np.isnan(expected)
print(json.dumps({"maxDiff": float(np.abs(second - expected)[ok].max()), "scale": float(np.abs(expected[ok]).max())}))
`,
    );
    assert.ok(result.maxDiff <= result.scale * 2 ** -22, JSON.stringify(result));
  });

  test("readDem({ overview: 1 }) reads the first overview as GDAL does, georeferenced to its size", async () => {
    const file = `${sub}/tiled-slope.tif`;
    const raw = `${sub}/overview.f32`;
    python(
      `
import sys, json
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
band = ds.GetRasterBand(1)
band.GetOverview(0).ReadAsArray().astype(np.float32).tofile(sys.argv[2])
print(json.dumps({}))
`,
      file,
      raw,
    );
    const bytes = readFileSync(raw);
    const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const overview = await readDem(file, { overview: 1 });
    const full = await readDem(file);
    assert.equal(overview.width, 573);
    assert.equal(overview.height, 571);
    assert.deepEqual(overview.data, elevations(expected, -9999));
    assert.equal(overview.nodata, -9999);
    const [x0, px, , y0, , py] = full.georef.geoTransform;
    assert.deepEqual(overview.georef.geoTransform, [x0, (px * 1145) / 573, 0, y0, 0, (py * 1142) / 571]);
    assert.equal((await readDem(file, { overview: 2 })).width, 287);
    await assert.rejects(readDem(file, { overview: 3 }), {
      name: "InputError",
      message: "overview 3 requested but the file has 2 overviews",
    });
    await assert.rejects(readDem(files.tiled, { overview: 1 }), /the file has no overviews/);
    await assert.rejects(readDem(file, { overview: -1 }), RangeError);
  });

  test("info reports the COG layout and the overviews", async () => {
    const cog = await describeDem(`${sub}/tiled-slope.tif`);
    assert.deepEqual(cog.cog, {
      valid: true,
      overviews: [
        { width: 573, height: 571 },
        { width: 287, height: 286 },
      ],
    });
    // The south-up input was written in the plain layout (directory at the end): not a COG.
    assert.deepEqual((await describeDem(files.southUp)).cog, { valid: false, overviews: [] });
    const made = `${sub}/gdal-cog.tif`;
    gdal("gdal_translate", ["-q", "-of", "COG", files.tiled, made]);
    assert.deepEqual((await describeDem(made)).cog.valid, true);
  });
});

describe("COG structure", { skip: (!HAS_GDAL && "gdal-bin not installed") || NO_PY_GDAL }, () => {
  const width = 1300;
  const height = 700;
  const ramp = (seed) => {
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = ((i * seed) % 1013) / 7;
    for (let i = 0; i < 5000; i++) data[i * 37] = -9999;
    return data;
  };

  test("GDAL's structural metadata comes first, byte for byte as gdal_translate -of COG writes it", async () => {
    const file = `${fresh("ghost")}/x.tif`;
    await writeGeoTiff(file, { width, height, data: ramp(3) }, { nodata: -9999 });
    const head = Buffer.alloc(200);
    const fd = openSync(file, "r");
    readSync(fd, head, 0, 200, 0);
    closeSync(fd);
    const ghost =
      "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n" +
      "BLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
    assert.equal(head.toString("latin1", 8, 8 + ghost.length), ghost);
    assert.equal(head.readUInt32LE(4), 192, "the first IFD right after it, word-aligned");
    validate(file);
    // GDAL trusts the block: it reports the layout as COG.
    const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
    assert.equal(info.metadata.IMAGE_STRUCTURE.LAYOUT, "COG");
  });

  test("a BigTIFF COG with overviews validates and reads back bit-exact", async () => {
    const sub = fresh("bigtiff");
    const file = `${sub}/big.tif`;
    const data = ramp(5);
    const writer = await createRasterWriter(file, {
      width,
      height,
      sampleType: "Float32",
      nodata: -9999,
      forceBigTiff: true,
    });
    await writer.writeRows([data], height);
    await writer.finish();
    const head = readFileSync(file).subarray(0, 4);
    assert.equal(head.readUInt16LE(2), 43, "BigTIFF");
    validate(file);
    assert.deepEqual((await readDem(file)).data, elevations(data, -9999));
    assert.deepEqual(readdirSync(sub), ["big.tif"]);
  });

  test("RGB and RGBA outputs: red, green, blue (alpha); nearest overviews; validate", async () => {
    const sub = fresh("rgba");
    const file = `${sub}/rgba.tif`;
    const bands = [0, 1, 2, 3].map((b) => {
      const band = new Uint8Array(width * height);
      for (let i = 0; i < band.length; i++) band[i] = b === 3 ? (i % 3 ? 255 : 0) : (i * (b + 1)) % 251;
      return band;
    });
    await writeGeoTiff(
      file,
      { width, height, bands },
      { sampleType: "Byte", colour: "rgba", overviewResampling: "nearest" },
    );
    validate(file);
    const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
    assert.deepEqual(
      info.bands.map((b) => b.colorInterpretation),
      ["Red", "Green", "Blue", "Alpha"],
    );
    // Nearest takes the lower-right cell of each 2×2 block, as GDAL's NEAREST does for a factor of 2.
    const overview = await readDem(file, { overview: 1, band: 2 });
    const w1 = Math.ceil(width / 2);
    for (const [r, c] of [
      [0, 0],
      [3, 7],
      [349, 649],
    ]) {
      const source = Math.min(2 * r + 1, height - 1) * width + Math.min(2 * c + 1, width - 1);
      assert.equal(overview.data[r * w1 + c], bands[1][source]);
    }
    const rgb = `${sub}/rgb.tif`;
    await writeGeoTiff(
      rgb,
      { width, height, bands: bands.slice(0, 3) },
      { sampleType: "Byte", colour: "rgb" },
    );
    validate(rgb);
    assert.deepEqual(
      JSON.parse(gdal("gdalinfo", ["-json", rgb]).stdout).bands.map((b) => b.colorInterpretation),
      ["Red", "Green", "Blue"],
    );
    await assert.rejects(
      writeGeoTiff(`${sub}/bad.tif`, { width, height, bands: bands.slice(0, 3) }, { colour: "rgba" }),
      /bands for colour rgba/,
    );
  });

  test("the plain layout is today's: 256² tiles, no overviews, the directory after the data", async () => {
    const file = `${fresh("plain")}/plain.tif`;
    await writeGeoTiff(file, { width, height, data: ramp(3) }, { nodata: -9999, layout: "plain" });
    const bytes = readFileSync(file);
    const ifd = bytes.readUInt32LE(4);
    assert.ok(ifd > bytes.length - 4096, "directory at the end");
    const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
    assert.deepEqual(info.bands[0].block, [256, 256]);
    assert.equal(info.bands[0].overviews, undefined);
    assert.doesNotMatch(bytes.toString("latin1", 0, 64), /GDAL_STRUCTURAL/);
  });

  test("overviews: a number gives that many levels, false none", async () => {
    const sub = fresh("levels");
    for (const [overviews, expected] of [
      [1, 1],
      [false, 0],
      [4, 4],
    ]) {
      const file = `${sub}/x-${overviews}.tif`;
      await writeGeoTiff(file, { width, height, data: ramp(3) }, { nodata: -9999, overviews });
      const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
      assert.equal((info.bands[0].overviews ?? []).length, expected);
    }
  });
});

describe("GDAL over HTTP", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  test("gdalinfo /vsicurl/ reads a COG's header in a few range requests", async (t) => {
    const sub = fresh("http");
    const width = 3000;
    const height = 2200;
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i / 997) * 40;
    await writeGeoTiff(`${sub}/cog.tif`, { width, height, data }, { nodata: -9999 });
    await writeGeoTiff(`${sub}/plain.tif`, { width, height, data }, { nodata: -9999, layout: "plain" });
    const requests = [];
    const server = createServer((req, res) => {
      const name = req.url.slice(1);
      if (!/^(cog|plain)\.tif$/.test(name)) {
        res.writeHead(404).end();
        return;
      }
      const bytes = readFileSync(`${sub}/${name}`);
      const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
      requests.push({ name, method: req.method, range: req.headers.range });
      if (!range) {
        res.writeHead(200, { "content-length": bytes.length, "accept-ranges": "bytes" });
        res.end(req.method === "HEAD" ? undefined : bytes);
        return;
      }
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), bytes.length - 1);
      res.writeHead(206, {
        "content-range": `bytes ${start}-${end}/${bytes.length}`,
        "content-length": end - start + 1,
        "accept-ranges": "bytes",
      });
      res.end(bytes.subarray(start, end + 1));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    const gdalinfo = (name) =>
      new Promise((resolve, reject) => {
        const child = spawn("gdalinfo", [`/vsicurl/http://127.0.0.1:${port}/${name}`], {
          env: { ...process.env, GDAL_DISABLE_READDIR_ON_OPEN: "EMPTY_DIR", CPL_VSIL_CURL_CACHE_SIZE: "0" },
        });
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
        });
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`gdalinfo exit ${code}`))));
      });
    try {
      assert.match(await gdalinfo("cog.tif"), /Overviews: 1500x1100, 750x550, 375x275/);
      const cog = requests.filter((r) => r.name === "cog.tif" && r.range);
      await gdalinfo("plain.tif");
      const plain = requests.filter((r) => r.name === "plain.tif" && r.range);
      // GDAL reads the first 16 KiB and finds every directory there; the plain file's directory is at the end.
      t.diagnostic(`range requests: COG ${cog.length}, plain ${plain.length}`);
      assert.ok(cog.length <= 2, `COG: ${JSON.stringify(cog)}`);
      assert.ok(plain.length > cog.length, `plain: ${JSON.stringify(plain)}`);
    } finally {
      server.close();
    }
  });
});

describe("no file survives an interruption", () => {
  test("an abort during assembly removes the output and the scratch file", async () => {
    const sub = fresh("assembly");
    const width = 4096;
    const height = 4096;
    const controller = new AbortController();
    const writer = await createRasterWriter(`${sub}/x.tif`, {
      width,
      height,
      sampleType: "Float32",
      compress: "none",
      signal: controller.signal,
    });
    const rows = new Float32Array(width * 256).fill(1);
    for (let r = 0; r < height; r += 256) await writer.writeRows([rows], 256);
    assert.equal(readdirSync(sub).length, 1, "the scratch file while writing");
    const finishing = writer.finish();
    finishing.catch(() => {});
    // The output's temporary file appears when assembly starts: abort then, while tiles are being copied.
    let seen = false;
    while (!seen) {
      await new Promise((resolve) => setImmediate(resolve));
      seen = readdirSync(sub).some((name) => name.endsWith(".tmp"));
    }
    controller.abort();
    await assert.rejects(finishing, { name: "AbortError" });
    assert.deepEqual(readdirSync(sub), []);
  });

  test("an error while writing (too few rows) removes the scratch file", async () => {
    const sub = fresh("error");
    const writer = await createRasterWriter(`${sub}/x.tif`, {
      width: 600,
      height: 600,
      sampleType: "Float32",
    });
    await writer.writeRows([new Float32Array(600 * 10)], 10);
    await assert.rejects(writer.finish(), /only 10 of 600 rows/);
    assert.deepEqual(readdirSync(sub), []);
  });

  test("SIGTERM to a writing process leaves no file (the CLI aborts the writer's signal on it)", async () => {
    const sub = fresh("sigterm");
    const script = `
      import { createRasterWriter } from "${new URL("../../dist/index.js", import.meta.url).href}";
      const controller = new AbortController();
      process.on("SIGTERM", () => controller.abort());
      const w = await createRasterWriter("${sub}/slow.tif", { width: 1024, height: 100000, sampleType: "Float32", signal: controller.signal });
      const rows = new Float32Array(1024 * 256);
      console.log("writing");
      try {
        for (;;) { await w.writeRows([rows], 256); await new Promise((r) => setTimeout(r, 5)); }
      } catch (error) {
        process.exit(error.name === "AbortError" ? 143 : 1);
      }
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(readdirSync(sub).length, 1, "the scratch file while writing");
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 143);
    assert.deepEqual(readdirSync(sub), []);
  });
});

describe("2×2 reductions", () => {
  const reduce = (resampling, top, bottom, nodata = -9999, array = Float32Array) => {
    const reducer = new RowReducer(top.length, 1, resampling, nodata, array);
    assert.equal(reducer.push([array.from(top)]), undefined);
    const out = bottom ? reducer.push([array.from(bottom)]) : reducer.flush();
    return Array.from(out[0]);
  };

  test("mean: nodata never enters, a cell is nodata only where all four are; odd edges use what exists", () => {
    assert.deepEqual(reduce("mean", [1, 2, 3, -9999, -9999], [3, 4, 5, -9999, 7]), [2.5, 4, 7]);
    assert.deepEqual(reduce("mean", [-9999, -9999], [-9999, -9999]), [-9999]);
    assert.deepEqual(reduce("mean", [1, 3, 5]), [2, 5], "a last row without a pair");
    assert.deepEqual(reduce("mean", [Number.NaN, 2], [4, Number.NaN], Number.NaN), [3]);
    assert.ok(Number.isNaN(reduce("mean", [Number.NaN], [Number.NaN], Number.NaN)[0]));
  });

  test("circular mean: directions across north average to north, not south", () => {
    const [north, east] = reduce("circular-mean", [350, 10, 80, 100], [355, 5, 90, 90]);
    assert.ok(Math.abs(north) < 1e-4 || Math.abs(north - 360) < 1e-4, `${north}`);
    assert.ok(Math.abs(east - 90) < 1e-4);
    const [west] = reduce("circular-mean", [260, 280], [-9999, 270]);
    assert.ok(Math.abs(west - 270) < 1e-4);
    const [near360] = reduce("circular-mean", [359.99999, 359.99999], [359.99999, 359.99999]);
    assert.ok(near360 >= 0 && near360 < 360);
    // Opposite directions have no mean: the first valid cell's (not 180° from the sines' rounding).
    assert.deepEqual(reduce("circular-mean", [90, 270], [-9999, -9999]), [90]);
    assert.deepEqual(reduce("circular-mean", [-9999, 270], [90, -9999]), [270]);
  });

  test("average on Byte rounds half up as GDAL's AVERAGE; 0 (nodata) is left out", () => {
    assert.deepEqual(reduce("average", [1, 2, 1, 1], [2, 2, 1, 2], 0, Uint8Array), [2, 1]);
    assert.deepEqual(reduce("average", [0, 0, 254, 255], [0, 3, 255, 255], 0, Uint8Array), [3, 255]);
  });

  test("mode takes the most frequent valid value, the first in reading order on a tie; nearest the lower right", () => {
    assert.deepEqual(reduce("mode", [4, 7, 1, 2], [7, 4, 3, 9]), [4, 1]);
    assert.deepEqual(reduce("mode", [-9999, 5, 8], [-9999, 5, 8]), [5, 8]);
    assert.deepEqual(reduce("nearest", [1, 2, 3], [4, 5, 6]), [5, 6]);
  });

  test("BigTIFF is decided with the overviews' tiles counted", () => {
    // 32000² Float32 uncompressed: 4.096e9 bytes fit classic TIFF (< 2³²); a third more for the overviews does not.
    assert.equal(needsBigTiff(32000, 32000, 1, 4, "none"), false);
    const cog = { tileSize: 512, overviews: overviewSizes(32000, 32000, "auto") };
    assert.equal(needsBigTiff(32000, 32000, 1, 4, "none", cog), true);
    assert.equal(needsBigTiff(20000, 20000, 1, 4, "deflate", cog), false);
  });

  test("auto levels halve until the largest side is ≤ 512", () => {
    assert.deepEqual(overviewSizes(3000, 2200, "auto"), [
      { width: 1500, height: 1100 },
      { width: 750, height: 550 },
      { width: 375, height: 275 },
    ]);
    assert.deepEqual(overviewSizes(512, 300, "auto"), []);
    assert.equal(overviewSizes(16384, 16384, "auto").length, 5);
    assert.deepEqual(overviewSizes(3, 1, 5), [
      { width: 2, height: 1 },
      { width: 1, height: 1 },
    ]);
    assert.deepEqual(overviewSizes(3000, 2200, false), []);
  });
});
