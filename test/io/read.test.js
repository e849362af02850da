// The reader against GDAL: every real sample and synthetic layouts, values compared with GDAL's raw ENVI dump.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { InputError, openDem, readDem } from "../../dist/index.js";
import { gdal, HAS_GDAL, SAMPLES } from "../helpers/cli.js";
import { TYPED_ARRAYS } from "../helpers/raster.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-read-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const ours = (gdalType) => (gdalType === "Byte" ? "UInt8" : gdalType);

/** GDAL's view of a file: metadata and band `band`'s values (raw ENVI dump). */
function reference(file, band = 1) {
  const info = JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);
  const raw = `${dir}/ref-${Math.random().toString(36).slice(2)}.bin`;
  gdal("gdal_translate", ["-q", "-of", "ENVI", "-b", String(band), file, raw]);
  const bytes = readFileSync(raw);
  const type = info.bands[band - 1].type;
  const values = new TYPED_ARRAYS[type](
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  return { info, values, type };
}

async function checkAgainstGdal(file, band = 1) {
  const { info, values, type } = reference(file, band);
  const dem = await readDem(file, { band, warn: () => {} });
  assert.equal(dem.width, info.size[0]);
  assert.equal(dem.height, info.size[1]);
  assert.equal(dem.sampleType, ours(type));
  const nodata = info.bands[band - 1].noDataValue;
  if (nodata === undefined) assert.equal(dem.nodata, undefined);
  else if (nodata === "NaN") assert.ok(Number.isNaN(dem.nodata));
  else assert.equal(dem.nodata, type === "Float32" ? Math.fround(nodata) : nodata);
  if (info.geoTransform) {
    dem.georef.geoTransform.forEach((v, k) => {
      assert.ok(
        Math.abs(v - info.geoTransform[k]) <= 1e-9 * Math.max(1, Math.abs(v)),
        `gt[${k}] ${v} vs ${info.geoTransform[k]}`,
      );
    });
  }
  assert.equal(dem.data.length, values.length);
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(dem.data[i], values[i]) && !(dem.data[i] === values[i])) {
      assert.fail(`pixel ${i}: ${dem.data[i]} vs GDAL ${values[i]}`);
    }
  }
  const epsg = /ID\["EPSG",(\d+)\]\]\s*$/.exec(info.coordinateSystem?.wkt ?? "")?.[1];
  if (epsg) assert.equal(dem.georef.crs.epsg, Number(epsg), "EPSG code");
  return dem;
}

describe("reading", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  for (const file of readdirSync(SAMPLES).filter((f) => /\.tiff?$/.test(f))) {
    test(`sample ${file} equals GDAL's reading`, async () => {
      const dem = await checkAgainstGdal(`${SAMPLES}${file}`);
      const expectedKind = {
        "whitebox_DEM.tif": "local",
        "inldata_dem.tif": "projected",
        "dem-hills.tiff": "geographic",
      }[file];
      if (expectedKind) assert.equal(dem.georef.crs.kind, expectedKind);
    });
  }

  const source = `${SAMPLES}storml_elev.tif`;
  const layouts = {
    BigTIFF: ["-co", "BIGTIFF=YES", "-co", "TILED=YES"],
    ZSTD: ["-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=2"],
    "LERC Float32": ["-ot", "Float32", "-co", "COMPRESS=LERC"],
    PackBits: ["-co", "COMPRESS=PACKBITS"],
    "LZW predictor 3 Float32": ["-ot", "Float32", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=3"],
    "DEFLATE predictor 2 tiled 64": [
      "-co",
      "COMPRESS=DEFLATE",
      "-co",
      "PREDICTOR=2",
      "-co",
      "TILED=YES",
      "-co",
      "BLOCKXSIZE=64",
      "-co",
      "BLOCKYSIZE=32",
    ],
    "big-endian": ["-co", "ENDIANNESS=BIG", "-co", "TILED=YES"],
    Byte: ["-ot", "Byte", "-scale", "1900", "2800", "0", "255"],
    UInt16: ["-ot", "UInt16", "-co", "COMPRESS=DEFLATE"],
    Int32: ["-ot", "Int32", "-co", "COMPRESS=LZW"],
    UInt32: ["-ot", "UInt32"],
    Float64: ["-ot", "Float64", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"],
    "south-up": ["-a_ullr", "455000", "4100000", "459290", "4103210"],
    "NaN nodata": ["-ot", "Float32", "-a_nodata", "nan"],
    "US survey foot State Plane": ["-a_srs", "EPSG:2263", "-a_ullr", "980000", "200000", "984290", "196790"],
    PixelIsPoint: ["-mo", "AREA_OR_POINT=Point"],
  };
  for (const [name, args] of Object.entries(layouts)) {
    test(`synthetic layout: ${name}`, async () => {
      const file = `${dir}/${name.replace(/\W+/g, "_")}.tif`;
      gdal("gdal_translate", ["-q", ...args, source, file]);
      const dem = await checkAgainstGdal(file);
      if (name === "south-up") assert.ok(dem.georef.geoTransform[5] > 0);
      if (name === "US survey foot State Plane")
        assert.ok(Math.abs(dem.georef.crs.linearUnit - 1200 / 3937) < 1e-12);
      if (name === "BigTIFF") assert.equal((await openDem(file)).layout.bigTiff, true);
    });
  }

  test("multi-band file: --band 2", async () => {
    const file = `${dir}/two.tif`;
    gdal("gdal_translate", ["-q", "-b", "1", "-b", "1", "-scale_2", "0", "4000", "4000", "0", source, file]);
    await checkAgainstGdal(file, 2);
  });

  test("band out of range, JPEG compression: clear InputErrors", async () => {
    await assert.rejects(
      openDem(source, { band: 3 }),
      (e) => e instanceof InputError && /band 3 requested but the file has 1 band/.test(e.message),
    );
    const jpeg = `${dir}/jpeg.tif`;
    gdal("gdal_translate", ["-q", "-ot", "Byte", "-scale", "-co", "COMPRESS=JPEG", source, jpeg]);
    await assert.rejects(
      openDem(jpeg),
      (e) => e.code === "UNSUPPORTED" && /JPEG/.test(e.message) && e.file === jpeg,
    );
  });
});

describe("bad input", () => {
  const cases = {
    missing: [null, /no such file/],
    empty: ["", /empty file/],
    "text named .tif": ["elevation,x,y\n1,2,3\n", /not a TIFF/],
    "PNG named .tif": [Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), /not a TIFF/],
  };
  for (const [name, [content, message]] of Object.entries(cases)) {
    test(name, async () => {
      const file = `${dir}/bad-${name.replace(/\W+/g, "_")}.tif`;
      if (content !== null) writeFileSync(file, content);
      await assert.rejects(
        readDem(file),
        (e) => e instanceof InputError && message.test(e.message) && e.file === file,
      );
    });
  }
  test("truncated TIFF", async () => {
    const file = `${dir}/truncated.tif`;
    writeFileSync(file, readFileSync(`${SAMPLES}storml_elev.tif`).subarray(0, 3000));
    await assert.rejects(readDem(file), (e) => e instanceof InputError && e.file === file);
  });
});

test("HTTP URL with range requests", async () => {
  const bytes = readFileSync(`${SAMPLES}dtm.tif`);
  let ranges = 0;
  const server = createServer((req, res) => {
    const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
    if (range) {
      ranges++;
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
      res.writeHead(206, {
        "Content-Range": `bytes ${start}-${end}/${bytes.length}`,
        "Content-Length": end - start + 1,
      });
      res.end(bytes.subarray(start, end + 1));
    } else {
      res.writeHead(200, { "Content-Length": bytes.length });
      res.end(bytes);
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/dtm.tif`;
    const remote = await readDem(url);
    copyFileSync(`${SAMPLES}dtm.tif`, `${dir}/dtm.tif`);
    const local = await readDem(`${dir}/dtm.tif`);
    assert.deepEqual(remote.data, local.data);
    assert.ok(ranges > 0, "range requests were used");
  } finally {
    server.close();
  }
});
