// The product commands end to end, as a user runs them; outputs checked with GDAL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { demgrad, gdal, HAS_GDAL, ROOT } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-cli-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const gdalinfo = (file) => JSON.parse(gdal("gdalinfo", ["-json", file]).stdout);

describe("product commands", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  test("terrain writes four georeferenced products that gdalinfo reads without a warning", () => {
    const dem = sample("sdts_8821_oregon_basin_wy.tif");
    const out = {
      slope: `${dir}/s.tif`,
      aspect: `${dir}/a.tif`,
      hillshade: `${dir}/h.tif`,
      gradient: `${dir}/g.tif`,
    };
    const { status, stderr } = demgrad([
      "terrain",
      dem,
      ...Object.entries(out).flatMap(([k, v]) => [`--${k}`, v]),
      "-q",
    ]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, "");
    const source = gdalinfo(dem);
    for (const [product, file] of Object.entries(out)) {
      const { stderr: warnings } = gdal("gdalinfo", ["-checksum", file]);
      assert.equal(warnings, "", `${product}: ${warnings}`);
      const info = gdalinfo(file);
      assert.deepEqual(info.geoTransform, source.geoTransform, product);
      assert.equal(info.coordinateSystem.wkt, source.coordinateSystem.wkt, product);
      assert.equal(info.metadata?.IMAGE_STRUCTURE?.COMPRESSION, "DEFLATE", product);
      const band = info.bands[0];
      assert.deepEqual(band.block, [512, 512], product); // the default COG layout's tiles
      assert.equal(band.noDataValue, product === "hillshade" ? 0 : -9999, product);
      assert.equal(band.type, product === "hillshade" ? "Byte" : "Float32", product);
    }
    assert.equal(gdalinfo(out.gradient).bands.length, 2);
  });

  test("hillshade PNG carries the source georeferencing", () => {
    const dem = sample("dtm.tif");
    const png = `${dir}/shade.png`;
    const { status, stderr } = demgrad(["hillshade", dem, png, "-q"]);
    assert.equal(status, 0, stderr);
    const info = gdalinfo(png);
    const source = gdalinfo(dem);
    assert.deepEqual(info.geoTransform, source.geoTransform);
    assert.match(info.coordinateSystem.wkt, /26918/);
    assert.equal(info.bands.length, 2, "grey + alpha: the DTM has nodata");
  });

  for (const file of ["N43E006.tiff", "inldata_dem.tif", "castro_dem.tiff", "dem-hills.tiff", "dtm.tif"]) {
    test(`info --json agrees with gdalinfo: ${file}`, { skip: missing(file) }, () => {
      const { status, stdout, stderr } = demgrad(["info", sample(file), "--json"]);
      assert.equal(status, 0, stderr);
      const info = JSON.parse(stdout);
      const reference = gdalinfo(sample(file));
      assert.deepEqual([info.width, info.height], reference.size);
      assert.equal(info.dataType, reference.bands[0].type);
      for (let k = 0; k < 6; k++)
        assert.ok(Math.abs(info.geoTransform[k] - reference.geoTransform[k]) < 1e-9);
    });
  }

  test("N43E006 in two CRSs: info reports matching ground spacing at the same latitude", {
    skip: missing("N43E006.tiff", "N43E006_3857.tiff"),
  }, () => {
    const geographic = JSON.parse(demgrad(["info", sample("N43E006.tiff"), "--json"]).stdout).groundSpacing;
    const mercator = JSON.parse(
      demgrad(["info", sample("N43E006_3857.tiff"), "--json"]).stdout,
    ).groundSpacing;
    // Web Mercator 92.8 m pixels shrink by cos φ to ≈ 67–68 m on the ground; 3″ of longitude at 43–44°N is 66.8–67.7 m.
    for (const [g, m] of [
      [geographic.dxMin, mercator.dxMin],
      [geographic.dxMax, mercator.dxMax],
    ]) {
      assert.ok(Math.abs(g - m) / g < 0.01, `${g} vs ${m}`);
    }
  });
});

describe("bad paths leave nothing behind", () => {
  test("missing input: exit 1, one line naming the file", () => {
    const { status, stderr } = demgrad(["slope", `${dir}/nope.tif`, `${dir}/out.tif`]);
    assert.equal(status, 1);
    assert.match(stderr, /^demgrad: .*nope\.tif: .+\n$/);
    assert.ok(!existsSync(`${dir}/out.tif`));
  });

  test("output equal to the input is refused before any work (exit 2)", () => {
    const copy = `${dir}/copy.tif`;
    copyFileSync(sample("storml_elev.tif"), copy);
    const { status, stderr } = demgrad(["slope", copy, copy]);
    assert.equal(status, 2);
    assert.match(stderr, /overwrite the input/);
  });

  test("unknown output extension is a usage error", () => {
    const { status, stderr } = demgrad(["slope", sample("storml_elev.tif"), `${dir}/out.jpg`]);
    assert.equal(status, 2);
    assert.match(stderr, /^demgrad: .*\.jpg/);
  });

  // Made once, on first use: a DEM large enough that a run is still writing when the signal arrives.
  let big;
  const bigDem = () => {
    if (big) return big;
    const path = `${dir}/big.tif`;
    gdal("gdal_create", [
      ...["-outsize", "6000", "6000", "-ot", "Float32", "-burn", "1", "-a_srs", "EPSG:32611"],
      ...["-a_ullr", "300000", "4000000", "480000", "3820000", path],
    ]);
    big = path;
    return big;
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    test(`${signal} in the middle of a run leaves no output and no temporary file`, {
      skip: !HAS_GDAL && "needs gdal_create (gdal-bin) to make a large DEM",
    }, async () => {
      const outDir = mkdtempSync(`${dir}/${signal}-`);
      const child = spawn(
        process.execPath,
        [`${ROOT}bin/demgrad.js`, "slope", bigDem(), `${outDir}/slope.tif`, "-q"],
        { stdio: "pipe" },
      );
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      // Interrupt once the run is writing (its temporary file exists): earlier, on a busy machine, the signal could
      // arrive while Node is still loading modules, before demgrad listens for it.
      const started = Date.now();
      while (readdirSync(outDir).length === 0 && Date.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.notDeepEqual(readdirSync(outDir), [], "the run never started writing");
      child.kill(signal);
      const code = await new Promise((r) => child.on("exit", (c) => r(c)));
      assert.equal(code, 130, stderr);
      assert.match(stderr, /^demgrad: .*interrupted/);
      assert.deepEqual(readdirSync(outDir), []);
    });
  }
});
