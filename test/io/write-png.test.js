// The PNG writer: grey without alpha unless a nodata pixel was written, grey + alpha with nodata transparent,
// and a world file + .aux.xml that make GDAL place the image exactly where the source is (projected, geographic
// and a custom CRS with no EPSG code).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import sharp from "sharp";
import { createRasterWriter, OutputError, UsageError, writePng } from "../../dist/index.js";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { readPng } from "../helpers/raster.js";
import { missing, sample } from "../helpers/samples.js";
import { same, sampleGeoref } from "./write-support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-png-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const gdalinfo = (path) => {
  const { stdout, stderr } = gdal("gdalinfo", ["-json", path]);
  return { info: JSON.parse(stdout), stderr };
};

/** Bytes 1…254 made from a sample's elevations (never 0, the nodata value used below). */
const shade = (data) => Uint8Array.from(data, (v) => 1 + (Math.abs(Math.round(v)) % 254));

describe("PNG placement", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  for (const [file, crs] of [
    ["srtm_bigtujunga30m_utm11.tif", "EPSG"], // UTM 11N
    ["N43E006.tiff", "EPSG"], // EPSG:4326: x is longitude
    ["sdts_8821_oregon_basin_wy.tif", "EPSG"], // NAD27 UTM 12N, committed
    ["inldata_dem.tif", "proj4"], // custom Albers: the SRS is GDAL's proj4 text
  ]) {
    test(`${file}: gdalinfo reports the source's geotransform and CRS`, { skip: missing(file) }, async () => {
      const source = sample(file);
      const { georef, data } = await sampleGeoref(source, { withProj4: true });
      if (crs === "proj4") assert.equal(georef.crs.epsg, undefined);
      const path = `${dir}/${file}.png`;
      await writePng(
        path,
        { width: georef.width, height: georef.height, data: shade(data) },
        { like: georef },
      );
      const src = gdalinfo(source).info;
      const { info, stderr } = gdalinfo(path);
      assert.equal(stderr, "");
      assert.deepEqual(info.size, src.size);
      for (let k = 0; k < 6; k++) {
        assert.ok(
          Math.abs(info.geoTransform[k] - src.geoTransform[k]) <= 1e-9 * Math.abs(src.geoTransform[k]),
        );
      }
      // The same CRS: equal proj4 definitions, and the same EPSG code where the source has one. (The WKT texts
      // differ only in how GDAL names WGS 84's datum: from GeoKeys or from the EPSG database.)
      const proj4 = (p) => gdal("gdalsrsinfo", ["-o", "proj4", p]).stdout;
      assert.equal(proj4(path), proj4(source));
      const epsg = (wkt) => /ID\["EPSG",(\d+)\]\]$/.exec(wkt)?.[1];
      assert.equal(epsg(info.coordinateSystem.wkt), epsg(src.coordinateSystem.wkt));
      if (crs === "EPSG") assert.ok(epsg(src.coordinateSystem.wkt));
      // Longitude stays x: the footprint on the globe is the source's.
      for (let k = 0; k < 5; k++) {
        for (let axis = 0; axis < 2; axis++) {
          const a = info.wgs84Extent.coordinates[0][k][axis];
          assert.ok(Math.abs(a - src.wgs84Extent.coordinates[0][k][axis]) < 1e-7, "wgs84Extent");
        }
      }
    });
  }
});

const HAS_OSR = spawnSync("/usr/bin/python3", ["-c", "from osgeo import osr"]).status === 0;

describe("PNG CRS without an EPSG code", {
  skip: !(HAS_GDAL && HAS_OSR) && "needs gdal-bin and GDAL's Python bindings (osr) under /usr/bin/python3",
}, () => {
  // CRSs that GDAL itself writes without an EPSG code (user-defined GeoKeys, datum names like "Unknown based on
  // GRS80 ellipsoid" in the citation), and inldata's custom Albers on NAD83 (EPSG:4269).
  const made = [
    ["utm25s-user", "+proj=utm +zone=25 +south +ellps=GRS80 +units=m", [500000, 9000000, 501200, 8999100]],
    ["longlat-grs80", "+proj=longlat +ellps=GRS80 +no_defs", [10, 50, 10.3, 49.8]],
    [
      "lcc1sp-paris",
      "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=0 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80ign " +
        "+pm=paris +units=m",
      [600000, 2200000, 601200, 2199100],
    ],
    [
      "lcc-nad83-usft",
      "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +datum=NAD83 +units=us-ft",
      [0, 0, 1200, -900],
    ],
  ];
  const sources = [...made.map(([name]) => `${dir}/${name}.tif`), sample("inldata_dem.tif")];
  for (const source of sources) {
    test(`${source.split("/").pop()}: osr IsSame(source CRS, hillshade PNG CRS)`, () => {
      const recipe = made.find(([name]) => source === `${dir}/${name}.tif`);
      if (recipe) {
        const [, srs, [x0, y0, x1, y1]] = recipe;
        gdal("gdal_create", [
          ...["-outsize", "40", "30", "-ot", "Float32", "-burn", "100", "-a_srs", srs],
          ...["-a_ullr", String(x0), String(y0), String(x1), String(y1), source],
        ]);
        // GDAL found no EPSG code for it (the top-level AUTHORITY would close the pretty-printed WKT).
        const wkt = gdal("gdalsrsinfo", ["-o", "wkt1", source]).stdout;
        assert.doesNotMatch(wkt, /\n {4}AUTHORITY\["EPSG","\d+"\]\]\s*$/, wkt);
      }
      const png = `${dir}/${source.split("/").pop()}.shade.png`;
      const run = demgrad(["hillshade", source, png, "-q"]);
      assert.equal(run.status, 0, run.stderr);
      const check = spawnSync(
        "/usr/bin/python3",
        [
          "-c",
          `import sys
from osgeo import gdal
a = gdal.Open(sys.argv[1]); b = gdal.Open(sys.argv[2])
print(bool(a.GetSpatialRef().IsSame(b.GetSpatialRef())))`,
          source,
          png,
        ],
        { encoding: "utf8" },
      );
      assert.equal(check.status, 0, check.stderr);
      assert.equal(check.stdout.trim(), "True", readFileSync(`${png}.aux.xml`, "utf8"));
    });
  }
});

describe("PNG pixels", () => {
  test("grey without alpha when nodata is set but no pixel has it", async () => {
    const { georef, data } = await sampleGeoref(sample("storml_elev.tif"));
    const grey = shade(data);
    const path = `${dir}/grey.png`;
    const writer = await createRasterWriter(path, {
      width: georef.width,
      height: georef.height,
      sampleType: "Byte",
      nodata: 0,
      georef,
    });
    // Rows arrive in strips, like the GeoTIFF writer's.
    for (let row = 0; row < georef.height; row += 10) {
      const rows = Math.min(10, georef.height - row);
      await writer.writeRows([grey.subarray(row * georef.width, (row + rows) * georef.width)], rows);
    }
    await writer.finish();
    const meta = await sharp(path).metadata();
    assert.deepEqual([meta.channels, meta.space, meta.hasAlpha, meta.depth], [1, "b-w", false, "uchar"]);
    assert.ok(same((await readPng(path)).grey, grey));
    assert.equal(readFileSync(`${dir}/grey.pgw`, "utf8").split("\n").length, 7, "six lines");
    assert.match(readFileSync(`${path}.aux.xml`, "utf8"), /<SRS>EPSG:26912<\/SRS>/);
  });

  test("grey + alpha with nodata pixels transparent", async () => {
    const data = Uint8Array.from({ length: 50 * 40 }, (_, i) => (i % 7 === 0 ? 0 : 100 + (i % 50)));
    const path = `${dir}/alpha.png`;
    await writePng(path, { width: 50, height: 40, data }, { nodata: 0 });
    const meta = await sharp(path).metadata();
    assert.deepEqual([meta.channels, meta.hasAlpha], [2, true], "grey + alpha in the file");
    const { grey, alpha } = await readPng(path);
    for (let i = 0; i < data.length; i++) {
      assert.equal(alpha[i], data[i] === 0 ? 0 : 255);
      if (data[i] !== 0) assert.equal(grey[i], data[i]);
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith("alpha")),
      ["alpha.png"],
      "no sidecars",
    );
  });

  test("rows streamed in strips: alpha from the first nodata row on, earlier rows opaque; no scratch file left", async () => {
    // 600 rows (more than one 256-row tile row of the scratch files); the first nodata pixel is in row 300.
    const width = 37;
    const height = 600;
    const data = Uint8Array.from({ length: width * height }, (_, i) =>
      i >= 300 * width + 5 && i % 11 === 0 ? 0 : 1 + (i % 250),
    );
    const folder = mkdtempSync(`${dir}/strips-`);
    const path = `${folder}/strips.png`;
    const writer = await createRasterWriter(path, { width, height, sampleType: "Byte", nodata: 0 });
    for (let row = 0; row < height; row += 7) {
      const rows = Math.min(7, height - row);
      await writer.writeRows([data.subarray(row * width, (row + rows) * width)], rows);
    }
    await writer.finish();
    const { grey, alpha } = await readPng(path);
    for (let i = 0; i < data.length; i++) {
      assert.equal(alpha[i], data[i] === 0 ? 0 : 255, `alpha of pixel ${i}`);
      if (data[i] !== 0) assert.equal(grey[i], data[i], `grey of pixel ${i}`);
    }
    assert.deepEqual(readdirSync(folder), ["strips.png"]);
  });

  test("RGB and RGBA from three or four bands, streamed in strips; gdalinfo reads the colour bands; no scratch left", async () => {
    const width = 41;
    const height = 300;
    const band = (k) => Uint8Array.from({ length: width * height }, (_, i) => (i * (k + 3) + 17 * k) % 256);
    for (const colour of ["rgb", "rgba"]) {
      const bands = Array.from({ length: colour === "rgb" ? 3 : 4 }, (_, k) => band(k));
      const folder = mkdtempSync(`${dir}/${colour}-`);
      const path = `${folder}/${colour}.png`;
      const georef = (await sampleGeoref(sample("sdts_8821_oregon_basin_wy.tif"))).georef;
      const like = { ...georef, width, height };
      const writer = await createRasterWriter(path, {
        width,
        height,
        bands: bands.length,
        colour,
        sampleType: "Byte",
        georef: like,
      });
      for (let row = 0; row < height; row += 13) {
        const rows = Math.min(13, height - row);
        await writer.writeRows(
          bands.map((b) => b.subarray(row * width, (row + rows) * width)),
          rows,
        );
      }
      await writer.finish();
      const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
      assert.equal(info.channels, bands.length);
      for (let i = 0; i < width * height; i++)
        for (let k = 0; k < bands.length; k++)
          assert.equal(data[i * bands.length + k], bands[k][i], `${colour} ${i}`);
      assert.deepEqual(readdirSync(folder).sort(), [
        `${colour}.pgw`,
        `${colour}.png`,
        `${colour}.png.aux.xml`,
      ]);
      if (HAS_GDAL) {
        const { info: gdalInfo, stderr } = gdalinfo(path);
        assert.equal(stderr, "");
        assert.deepEqual(
          gdalInfo.bands.map((b) => b.colorInterpretation),
          colour === "rgb" ? ["Red", "Green", "Blue"] : ["Red", "Green", "Blue", "Alpha"],
        );
      }
    }
    // writePng: bands instead of data.
    const path = `${dir}/bands.png`;
    await writePng(path, {
      width: 2,
      height: 1,
      bands: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    assert.deepEqual([...(await sharp(path).raw().toBuffer())], [1, 3, 5, 2, 4, 6]);
  });

  test("values outside 0–255 are clamped and rounded", async () => {
    const path = `${dir}/clamped.png`;
    await writePng(path, { width: 4, height: 1, data: [-20, 300, 7.6, 255] });
    assert.deepEqual([...(await readPng(path)).grey], [0, 255, 8, 255]);
  });
});

describe("PNG errors", () => {
  test("too large for sharp: an OutputError suggesting GeoTIFF, nothing written", async () => {
    await assert.rejects(
      createRasterWriter(`${dir}/huge.png`, { width: 200_000_000, height: 1, sampleType: "Byte" }),
      (e) => e instanceof OutputError && /too large for a PNG: write a \.tif/.test(e.message),
    );
    assert.equal(existsSync(`${dir}/huge.png`), false);
  });

  test("bands that are neither grey nor RGB(A), colour with nodata, or nodata no byte can hold: usage errors", async () => {
    await assert.rejects(
      createRasterWriter(`${dir}/two.png`, { width: 2, height: 2, bands: 2, sampleType: "Byte" }),
      UsageError,
    );
    await assert.rejects(
      createRasterWriter(`${dir}/rgb4.png`, {
        width: 2,
        height: 2,
        bands: 4,
        colour: "rgb",
        sampleType: "Byte",
      }),
      /an RGB PNG holds 3 bands, not 4/,
    );
    await assert.rejects(
      createRasterWriter(`${dir}/rgbnd.png`, {
        width: 2,
        height: 2,
        bands: 3,
        colour: "rgb",
        sampleType: "Byte",
        nodata: 0,
      }),
      /a colour PNG takes its transparency from an alpha band, not from nodata/,
    );
    assert.equal(existsSync(`${dir}/rgb4.png`) || existsSync(`${dir}/rgbnd.png`), false);
    await assert.rejects(
      createRasterWriter(`${dir}/nd.png`, { width: 2, height: 2, sampleType: "Byte", nodata: -9999 }),
      /Expected integer between 0 and 255 for PNG nodata but received -9999/,
    );
  });
});
