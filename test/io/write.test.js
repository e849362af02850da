// The writers: round trips (geotiff.js and GDAL read back identical values), GDAL sees the georeferencing and
// layout it should, PNGs carry their placement, and interrupted writes leave nothing behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { fromFile } from "geotiff";
import sharp from "sharp";
import {
  createRasterWriter,
  OutputError,
  readDem,
  UsageError,
  writeGeoTiff,
  writePng,
} from "../../dist/index.js";
import { needsBigTiff } from "../../dist/io/geotiff-writer.js";
import { gdal, HAS_GDAL, ROOT, SAMPLES } from "../helpers/cli.js";
import { TYPED_ARRAYS } from "../helpers/raster.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic test values of a type, with NaN for floats. */
function values(type, n, seed) {
  const out = new TYPED_ARRAYS[type](n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = s / 2 ** 32;
    out[i] = type.startsWith("Float")
      ? i % 97 === 5
        ? Number.NaN
        : (r - 0.3) * 3000
      : Math.floor(r * 60000) - 20000;
  }
  return out;
}

async function readBack(path) {
  const tiff = await fromFile(path);
  const image = await tiff.getImage();
  const bands = await image.readRasters();
  return { bands: [...bands], width: image.getWidth(), height: image.getHeight() };
}

const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe("GeoTIFF round trips", () => {
  const source = SAMPLES + "dtm.tif";
  for (const type of ["Byte", "Int16", "UInt16", "Int32", "Float32", "Float64"]) {
    for (const compress of ["deflate", "lzw", "none"]) {
      for (const [width, height, bands] of [
        [300, 270, 1],
        [257, 3, 2],
        [1, 1, 1],
        [1, 40, 3],
      ]) {
        test(`${type} ${compress} ${width}×${height}×${bands}`, async () => {
          const like = (await readDem(source)).georef;
          const data = Array.from({ length: bands }, (_, b) => values(type, width * height, 7 + b));
          const path = `${dir}/${type}-${compress}-${width}x${height}x${bands}.tif`;
          await writeGeoTiff(
            path,
            { width, height, bands: data },
            { like: { ...like, width, height }, compress, sampleType: type },
          );
          const back = await readBack(path);
          assert.equal(back.bands.length, bands);
          for (let b = 0; b < bands; b++) assert.ok(same(back.bands[b], data[b]), `band ${b} differs`);
          if (HAS_GDAL && bands === 1 && width > 1) {
            const raw = `${dir}/raw-${type}-${compress}.bin`;
            gdal("gdal_translate", ["-q", "-of", "ENVI", path, raw]);
            const bytes = readFileSync(raw);
            const gdalValues = new TYPED_ARRAYS[type](
              bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
            );
            assert.ok(same(gdalValues, data[0]), "GDAL reads different values");
          }
        });
      }
    }
  }

  test("streaming in strips of odd heights equals one write", async () => {
    const width = 600;
    const height = 530;
    const data = values("Float32", width * height, 3);
    const path = `${dir}/strips.tif`;
    const writer = await createRasterWriter(path, { width, height, sampleType: "Float32" });
    for (let row = 0; row < height; row += 37) {
      const rows = Math.min(37, height - row);
      await writer.writeRows([data.subarray(row * width, (row + rows) * width)], rows);
    }
    await writer.finish();
    assert.ok(same((await readBack(path)).bands[0], data));
  });

  test("BigTIFF: decided from the size, readable by GDAL when forced", async () => {
    assert.equal(needsBigTiff(20000, 20000, 1, 4), false);
    assert.equal(needsBigTiff(40000, 40000, 1, 4), true);
    assert.equal(needsBigTiff(30000, 30000, 2, 4), true);
    const path = `${dir}/big.tif`;
    const data = values("Float32", 300 * 200, 1);
    const writer = await createRasterWriter(path, {
      width: 300,
      height: 200,
      sampleType: "Float32",
      forceBigTiff: true,
    });
    await writer.writeRows([data], 200);
    await writer.finish();
    assert.ok(same((await readBack(path)).bands[0], data));
    if (HAS_GDAL) assert.match(gdal("gdalinfo", [path]).stdout, /Size is 300, 200/);
  });
});

describe("GDAL reads outputs with the source's georeferencing", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  for (const file of ["dtm.tif", "inldata_dem.tif", "N43E006.tiff", "whitebox_DEM.tif", "dem-hills.tiff"]) {
    test(file, async () => {
      const dem = await readDem(SAMPLES + file, { warn: () => {} });
      const out = `${dir}/georef-${file}.tif`;
      const data = Float32Array.from(dem.data);
      await writeGeoTiff(
        out,
        { width: dem.width, height: dem.height, data },
        {
          like: dem.georef,
          nodata: -9999,
          bandDescriptions: ["slope"],
          units: ["degree"],
        },
      );
      const { stdout, stderr } = gdal("gdalinfo", ["-json", "-checksum", out]);
      // No warning of our own: only what GDAL already says of the source (whitebox_DEM has a malformed GeoKey).
      const sourceWarnings = gdal("gdalinfo", ["-json", SAMPLES + file]).stderr;
      assert.equal(stderr.replaceAll(out, "F"), sourceWarnings.replaceAll(SAMPLES + file, "F"));
      const info = JSON.parse(stdout);
      const src = JSON.parse(gdal("gdalinfo", ["-json", SAMPLES + file]).stdout);
      assert.deepEqual(info.geoTransform, src.geoTransform);
      const srs = (f) => gdal("gdalsrsinfo", ["-o", "proj4", f]).stdout.trim();
      assert.equal(srs(out), srs(SAMPLES + file));
      assert.equal(info.metadata.IMAGE_STRUCTURE.COMPRESSION, "DEFLATE");
      assert.equal(info.metadata.IMAGE_STRUCTURE.PREDICTOR, "3");
      assert.deepEqual(info.bands[0].block, [256, 256]);
      assert.equal(info.bands[0].noDataValue, -9999);
      assert.equal(info.bands[0].description, "slope");
      assert.equal(info.bands[0].unit, "degree");
    });
  }
});

describe("PNG", () => {
  test("grey without alpha when there is no nodata; world file and CRS placed by GDAL", async () => {
    const dem = await readDem(SAMPLES + "srtm_bigtujunga30m_utm11.tif");
    const data = Uint8Array.from(dem.data, (v) => 1 + (v % 254));
    const path = `${dir}/shade.png`;
    await writePng(path, { width: dem.width, height: dem.height, data }, { like: dem.georef, nodata: 0 });
    const meta = await sharp(path).metadata();
    assert.equal(meta.channels, 1);
    const { data: pixels } = await sharp(path)
      .toColourspace("b-w")
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.ok(same(Uint8Array.from(pixels), data));
    assert.ok(existsSync(`${dir}/shade.pgw`) && existsSync(`${path}.aux.xml`));
    if (HAS_GDAL) {
      const info = JSON.parse(gdal("gdalinfo", ["-json", path]).stdout);
      const src = JSON.parse(gdal("gdalinfo", ["-json", SAMPLES + "srtm_bigtujunga30m_utm11.tif"]).stdout);
      for (let k = 0; k < 6; k++) assert.ok(Math.abs(info.geoTransform[k] - src.geoTransform[k]) < 1e-6);
      assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32611\]\]$/);
    }
  });

  test("grey + alpha with nodata transparent", async () => {
    const data = Uint8Array.from({ length: 50 * 40 }, (_, i) => (i % 7 === 0 ? 0 : 100 + (i % 50)));
    const path = `${dir}/alpha.png`;
    await writePng(path, { width: 50, height: 40, data }, { nodata: 0 });
    assert.equal((await sharp(path).metadata()).channels, 2, "grey + alpha in the file");
    const { data: pixels, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    const n = info.channels;
    for (let i = 0; i < data.length; i++) {
      assert.equal(pixels[n * i + n - 1], data[i] === 0 ? 0 : 255);
      if (data[i] !== 0) assert.equal(pixels[n * i], data[i]);
    }
  });
});

describe("errors and interruptions leave nothing behind", () => {
  test("unknown extension is a usage error", async () => {
    await assert.rejects(
      createRasterWriter(`${dir}/x.jpg`, { width: 2, height: 2, sampleType: "Byte" }),
      UsageError,
    );
  });

  test("missing output folder", async () => {
    for (const ext of ["tif", "png"]) {
      await assert.rejects(
        createRasterWriter(`${dir}/nope/out.${ext}`, { width: 2, height: 2, sampleType: "Byte" }),
        (e) => e instanceof OutputError && /output folder does not exist/.test(e.message),
      );
    }
  });

  test("abort mid-way and finishing early remove the temporary file", async () => {
    const sub = mkdtempSync(`${dir}/abort-`);
    const writer = await createRasterWriter(`${sub}/a.tif`, {
      width: 300,
      height: 600,
      sampleType: "Float32",
    });
    await writer.writeRows([values("Float32", 300 * 300, 1)], 300);
    await writer.abort();
    const early = await createRasterWriter(`${sub}/b.tif`, { width: 10, height: 10, sampleType: "Float32" });
    await early.writeRows([values("Float32", 50, 1)], 5);
    await assert.rejects(early.finish(), OutputError);
    assert.deepEqual(readdirSync(sub), []);
  });

  test("SIGINT to a writing process leaves no file", async () => {
    const sub = mkdtempSync(`${dir}/sigint-`);
    const script = `
      import { createRasterWriter } from "${ROOT}dist/index.js";
      const controller = new AbortController();
      const w = await createRasterWriter("${sub}/slow.tif", { width: 256, height: 100000, sampleType: "Float32", signal: controller.signal });
      // As the CLI does: Ctrl-C aborts the signal; the writer removes its temporary file and the run ends.
      process.on("SIGINT", () => controller.abort());
      const rows = new Float32Array(256 * 256);
      console.log("writing");
      try {
        for (;;) { await w.writeRows([rows], 256); await new Promise((r) => setTimeout(r, 5)); }
      } catch {
        process.exit(130);
      }
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((r) => child.stdout.once("data", r));
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.on("exit", r));
    assert.equal(code, 130);
    assert.deepEqual(readdirSync(sub), []);
  });
});
