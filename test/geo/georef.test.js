// georefFromTags against GDAL: every real sample and GDAL-made files for the CRSs the samples lack (tags read with
// geotiff.js; expected values from `gdalinfo -json` WKT and `gdalsrsinfo -o proj4`), plus units and geotransforms.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import proj4 from "proj4";
import { GeorefError, UsageError } from "../../dist/errors.js";
import { georefFromEpsg, georefFromTags, verticalUnitFromName } from "../../dist/geo/georef.js";
import { HAS_GDAL } from "../helpers/cli.js";
import { ALL_SAMPLES, missing, sample } from "../helpers/samples.js";
import { gdalGeoTiff, gdalInfo, gdalProj4, readTags } from "./tags.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-georef-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** What GDAL's WKT says: CRS kind, EPSG code (last ID), ellipsoid, linear or angular unit. */
function fromWkt(wkt) {
  if (!wkt) return { kind: "none" };
  // A CRS with +towgs84 is a BOUNDCRS: its own definition is the SOURCECRS.
  if (/^\s*BOUNDCRS\[/.test(wkt))
    wkt = wkt.slice(wkt.indexOf("SOURCECRS["), wkt.indexOf("TARGETCRS[")).replace(/^SOURCECRS\[/, "");
  const root = /^\s*(\w+)\[/.exec(wkt)[1];
  const kind = { PROJCRS: "projected", GEOGCRS: "geographic", ENGCRS: "local" }[root];
  const epsg = /ID\["EPSG",(\d+)\]\]\s*$/.exec(wkt)?.[1];
  const ellipsoid = /ELLIPSOID\["[^"]*",([\d.eE+-]+),([\d.eE+-]+)/.exec(wkt);
  const units = [...wkt.matchAll(/LENGTHUNIT\["[^"]*",([\d.eE+-]+)/g)];
  const angle = /ANGLEUNIT\["[^"]*",([\d.eE+-]+)/.exec(wkt);
  return {
    kind,
    epsg: epsg && Number(epsg),
    ellipsoid: ellipsoid && { a: Number(ellipsoid[1]), rf: Number(ellipsoid[2]) },
    linearUnit: units.length ? Number(units[units.length - 1][1]) : undefined,
    angularUnit: angle && Number(angle[1]),
  };
}

const PROJ_UNITS = { m: 1, ft: 0.3048, "us-ft": 1200 / 3937 };

/** A proj4 string's meaning: projection parameters with defaults filled and +proj=utm spelled out as tmerc. */
function proj4Meaning(definition) {
  const p = {};
  for (const [, k, v] of definition.matchAll(/\+(\w+)(?:=(\S+))?/g)) p[k] = v ?? true;
  if (p.proj === "utm") {
    Object.assign(p, { proj: "tmerc", lon_0: Number(p.zone) * 6 - 183, k_0: 0.9996, x_0: 500000 });
    p.y_0 = p.south ? 10000000 : 0;
  }
  const parsed = proj4.Proj(definition); // resolves +datum/+ellps/+R into a and b
  const number = (v, fallback) => (v === undefined ? fallback : Number(v));
  return {
    proj: p.proj,
    lat_0: number(p.lat_0, 0),
    lat_1: number(p.lat_1, undefined),
    lat_2: number(p.lat_2, undefined),
    lat_ts: number(p.lat_ts, undefined),
    lon_0: number(p.lon_0, 0),
    k_0: number(p.k_0 ?? p.k, 1),
    x_0: number(p.x_0, 0),
    y_0: number(p.y_0, 0),
    a: parsed.a,
    b: parsed.b,
    pm: parsed.from_greenwich ?? 0,
    toMetre: p.to_meter !== undefined ? Number(p.to_meter) : PROJ_UNITS[p.units ?? "m"],
  };
}

function assertSameProj4(actual, expected, what) {
  const a = proj4Meaning(actual);
  const e = proj4Meaning(expected);
  assert.equal(a.proj, e.proj, `${what}: +proj`);
  for (const key of ["lat_0", "lat_1", "lat_2", "lat_ts", "lon_0", "k_0", "x_0", "y_0", "a", "b", "pm"]) {
    if (e.proj === "longlat" && !["a", "b", "pm"].includes(key)) continue;
    if (e[key] === undefined) assert.equal(a[key], undefined, `${what}: +${key}`);
    else
      assert.ok(
        Math.abs(a[key] - e[key]) <= 1e-9 * Math.max(1, Math.abs(e[key])),
        `${what}: +${key} ${a[key]} vs ${e[key]}`,
      );
  }
  assert.ok(Math.abs(a.toMetre - e.toMetre) <= 1e-9, `${what}: unit ${a.toMetre} vs ${e.toMetre}`);
}

/** Checks georefFromTags on `path` against gdalinfo/gdalsrsinfo; returns the Georef. */
async function checkAgainstGdal(path) {
  const { tags, width, height } = await readTags(path);
  const info = gdalInfo(path);
  const unit = info.bands[0].unit || undefined;
  const georef = georefFromTags(tags, { width, height, ...(unit ? { bandUnit: unit } : {}) });
  assert.equal(georef.width, info.size[0]);
  assert.equal(georef.height, info.size[1]);
  assert.equal(georef.tags, tags, "tags kept verbatim");
  georef.geoTransform.forEach((v, k) => {
    const g = info.geoTransform[k];
    assert.ok(Math.abs(v - g) <= 1e-9 * Math.max(1, Math.abs(g)), `gt[${k}] ${v} vs GDAL ${g}`);
  });
  const wkt = fromWkt(info.coordinateSystem?.wkt);
  const { crs } = georef;
  assert.equal(crs.kind, wkt.kind, "CRS kind");
  assert.equal(crs.epsg, wkt.epsg, "EPSG code");
  if (crs.kind === "projected" || crs.kind === "geographic") {
    assertSameProj4(crs.proj4, gdalProj4(path), "proj4");
    assert.equal(crs.ellipsoid.a, wkt.ellipsoid.a, "semi-major axis");
    assert.ok(
      Math.abs(crs.ellipsoid.rf - wkt.ellipsoid.rf) < 1e-9,
      `1/f ${crs.ellipsoid.rf} vs ${wkt.ellipsoid.rf}`,
    );
  }
  if (crs.kind === "projected") {
    assert.ok(
      Math.abs(crs.linearUnit / wkt.linearUnit - 1) < 1e-14,
      `unit ${crs.linearUnit} vs ${wkt.linearUnit}`,
    );
    assert.equal(crs.coordinateFactor, 1);
  }
  if (crs.kind === "geographic")
    assert.ok(Math.abs(crs.angularUnit / wkt.angularUnit - 1) < 1e-14, "angular unit");
  return georef;
}

describe("every real sample: georefFromTags equals GDAL", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  // What the lead's report promises per file (kind, EPSG); the GDAL comparison checks the rest.
  const expected = {
    "N43E006.tiff": ["geographic", 4326],
    "N43E006_3857.tiff": ["projected", 3857],
    "castro_dem.tiff": ["geographic", 4326],
    "dem-hills.tiff": ["geographic", undefined],
    "dtm.tif": ["projected", 26918],
    "inldata_dem.tif": ["projected", undefined],
    "pysheds_dem.tif": ["geographic", 4326],
    "rgbify_elev.tif": ["projected", 3857],
    "sdts_8821_oregon_basin_wy.tif": ["projected", 26712],
    "srtm_bigtujunga30m_utm11.tif": ["projected", 32611],
    "storml_elev.tif": ["projected", 26912],
    "storml_elev_orig.tif": ["projected", 26912],
    "whitebox_DEM.tif": ["local", undefined],
  };
  for (const file of ALL_SAMPLES) {
    test(file, { skip: missing(file) }, async () => {
      const georef = await checkAgainstGdal(sample(file));
      if (expected[file]) assert.deepEqual([georef.crs.kind, georef.crs.epsg], expected[file]);
      const bandUnit = gdalInfo(sample(file)).bands[0].unit;
      if (file === "inldata_dem.tif") assert.equal(bandUnit, "ft");
      assert.deepEqual(
        [georef.verticalUnit.metres, georef.verticalUnit.source],
        bandUnit ? [{ m: 1, ft: 0.3048 }[bandUnit], "band-unit"] : [1, "default"],
      );
    });
  }
});

describe("CRSs the samples lack, written by GDAL", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  const ullr = [500000, 7000000, 500040, 6999970];
  const cases = {
    "utm-south-grs80": "+proj=utm +zone=33 +south +ellps=GRS80 +units=m +no_defs",
    "lcc-us-ft":
      "+proj=lcc +lat_0=40.1666666666667 +lon_0=-74 +lat_1=41.0333333333333 +lat_2=40.6666666666667 +x_0=300000 +y_0=0 +ellps=GRS80 +units=us-ft +no_defs",
    "epsg-2263": "EPSG:2263",
    "tm-intl-ft": "+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=500000 +y_0=0 +ellps=intl +units=ft +no_defs",
    "aea-clarke-towgs84":
      "+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 +ellps=clrk66 +towgs84=-8,160,176,0,0,0,0 +units=m +no_defs",
    "stere-polar": "EPSG:3413",
    "longlat-sphere": "+proj=longlat +R=6371000 +no_defs",
    "longlat-bessel": "+proj=longlat +ellps=bessel +no_defs",
    "epsg-4267": "EPSG:4267",
  };
  for (const [name, srs] of Object.entries(cases)) {
    test(name, async () => {
      const geographic = srs.includes("longlat") || srs === "EPSG:4267";
      const path = gdalGeoTiff(dir, name, srs, geographic ? [10, 45, 10.004, 44.997] : ullr);
      const georef = await checkAgainstGdal(path);
      if (name === "lcc-us-ft" || name === "epsg-2263") assert.equal(georef.crs.linearUnit, 1200 / 3937);
      if (name === "tm-intl-ft") assert.equal(georef.crs.linearUnit, 0.3048);
    });
  }
  test("PixelIsPoint: the tiepoint is a pixel centre, the transform a pixel corner (like GDAL)", async () => {
    const path = gdalGeoTiff(dir, "point", "EPSG:32633", ullr, ["-mo", "AREA_OR_POINT=Point"]);
    const { tags } = await readTags(path);
    assert.deepEqual(tags.ModelTiepoint.slice(3, 5), [500005, 6999995], "GDAL wrote the centre");
    const georef = await checkAgainstGdal(path);
    assert.deepEqual(georef.geoTransform, [500000, 10, 0, 7000000, 0, -10]);
  });
  test("south-up: gt[5] > 0", async () => {
    const georef = await checkAgainstGdal(
      gdalGeoTiff(dir, "south-up", "EPSG:32633", [500000, 6999970, 500040, 7000000]),
    );
    assert.ok(georef.geoTransform[5] > 0);
  });
});

describe("geotransform from tags", () => {
  const utm = [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32633];
  test("a tiepoint at any raster position, and a negative y scale (south-up)", () => {
    const at = (tie, scale) =>
      georefFromTags(
        { ModelTiepoint: tie, ModelPixelScale: scale, GeoKeyDirectory: utm },
        { width: 50, height: 40 },
      ).geoTransform;
    assert.deepEqual(at([10, 20, 0, 501000, 6998000, 0], [30, 30, 0]), [500700, 30, 0, 6998600, 0, -30]);
    assert.deepEqual(at([10, 20, 0, 501000, 6998000, 0], [30, -30, 0]), [500700, 30, 0, 6997400, 0, 30]);
  });
  test("PixelIsPoint shifts by half a pixel, also with ModelTransformation", () => {
    const keys = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 2, 3072, 0, 1, 32633];
    const tie = georefFromTags(
      { ModelTiepoint: [0, 0, 0, 1000, 2000, 0], ModelPixelScale: [10, 20, 0], GeoKeyDirectory: keys },
      { width: 5, height: 5 },
    );
    assert.deepEqual(tie.geoTransform, [995, 10, 0, 2010, 0, -20]);
    const matrix = georefFromTags(
      {
        ModelTransformation: [10, 0, 0, 1000, 0, -20, 0, 2000, 0, 0, 0, 0, 0, 0, 0, 1],
        GeoKeyDirectory: keys,
      },
      { width: 5, height: 5 },
    );
    assert.deepEqual(matrix.geoTransform, [995, 10, 0, 2010, 0, -20]);
  });
  test("rotated transforms are kept (the spacing model handles them); missing or degenerate ones are undefined", () => {
    const rotated = georefFromTags(
      { ModelTransformation: [0, 30, 0, 1000, 30, 0, 0, 2000, 0, 0, 0, 0, 0, 0, 0, 1] },
      { width: 3, height: 3 },
    );
    assert.deepEqual(rotated.geoTransform, [1000, 0, 30, 2000, 30, 0]);
    const none = georefFromTags({}, { width: 3, height: 3 });
    assert.equal(none.geoTransform, undefined);
    assert.equal(none.crs.kind, "none");
    const flat = georefFromTags(
      { ModelTiepoint: [0, 0, 0, 1, 2, 0], ModelPixelScale: [1, 0, 0] },
      { width: 3, height: 3 },
    );
    assert.equal(flat.geoTransform, undefined);
    const scaleOnly = georefFromTags({ ModelPixelScale: [1, 1, 0] }, { width: 3, height: 3 });
    assert.equal(scaleOnly.geoTransform, undefined);
  });
  test("a projected EPSG code with a geographic key too gives the projected definition", () => {
    const keys = [1, 1, 0, 3, 1024, 0, 1, 1, 2048, 0, 1, 4326, 3072, 0, 1, 32633];
    const { crs } = georefFromTags({ GeoKeyDirectory: keys }, { width: 1, height: 1 });
    assert.equal(crs.kind, "projected");
    assert.equal(crs.epsg, 32633);
    assert.match(crs.proj4, /\+proj=tmerc .*\+lon_0=15 /);
  });
  test("odd GeoKeys give a local CRS, never an exception", () => {
    for (const keys of [
      [1, 1, 0, 1, 1025, 0, 1, 2],
      [1, 1, 0, 1, 1024, 0, 1, 3],
      [1, 1, 0, 1, 1024, 0, 1, 1],
    ]) {
      const { crs } = georefFromTags({ GeoKeyDirectory: keys }, { width: 1, height: 1 });
      assert.ok(crs.kind === "local" || crs.kind === "projected", JSON.stringify(crs));
    }
  });
});

describe("vertical unit", () => {
  const withKey = (code) => ({ GeoKeyDirectory: [1, 1, 0, 2, 1024, 0, 1, 1, 4099, 0, 1, code] });
  test("VerticalUnitsGeoKey comes first", () => {
    const g = georefFromTags(withKey(9002), { width: 1, height: 1, bandUnit: "m" });
    assert.deepEqual(g.verticalUnit, { metres: 0.3048, name: "foot", source: "geokey" });
    assert.equal(georefFromTags(withKey(9003), { width: 1, height: 1 }).verticalUnit.metres, 1200 / 3937);
  });
  test("band unit names GDAL and users write", () => {
    const names = {
      m: 1,
      metre: 1,
      meter: 1,
      Meters: 1,
      ft: 0.3048,
      foot: 0.3048,
      feet: 0.3048,
      "foot (International)": 0.3048,
      "us-ft": 1200 / 3937,
      Foot_US: 1200 / 3937,
      "US survey foot": 1200 / 3937,
      "US Survey Feet": 1200 / 3937,
    };
    for (const [name, metres] of Object.entries(names)) {
      const g = georefFromTags({}, { width: 1, height: 1, bandUnit: name }, () =>
        assert.fail(`warned for ${name}`),
      );
      assert.equal(g.verticalUnit.metres, metres, name);
      assert.equal(g.verticalUnit.source, "band-unit");
    }
  });
  test("no unit: metre by default; an unknown unit: metre and a warning", () => {
    assert.deepEqual(georefFromTags({}, { width: 1, height: 1 }).verticalUnit, {
      metres: 1,
      name: "metre",
      source: "default",
    });
    const warnings = [];
    const g = georefFromTags({}, { width: 1, height: 1, bandUnit: "furlong" }, (m) => warnings.push(m));
    assert.deepEqual(g.verticalUnit, { metres: 1, name: "metre", source: "default" });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /furlong/);
  });
  test("verticalUnitFromName: the CLI's names, and a usage error for others", () => {
    assert.deepEqual(verticalUnitFromName("m"), { metres: 1, name: "metre", source: "option" });
    assert.equal(verticalUnitFromName("ft").metres, 0.3048);
    assert.equal(verticalUnitFromName("us-ft").metres, 1200 / 3937);
    assert.throws(
      () => verticalUnitFromName("yd"),
      (e) => e instanceof UsageError && /yd/.test(e.message),
    );
  });
});

describe("unknown CRS codes", () => {
  test("georefFromEpsg refuses a code its tables do not hold instead of inventing a geographic CRS", () => {
    for (const code of [999999, 65000]) {
      assert.throws(
        () => georefFromEpsg(code, [0, 1, 0, 0, 0, -1], { width: 2, height: 2 }),
        (e) => e instanceof GeorefError && new RegExp(`unknown EPSG code ${code}`).test(e.message),
      );
    }
    for (const code of [0, -5, 4326.5, Number.NaN]) {
      assert.throws(
        () => georefFromEpsg(code, [0, 1, 0, 0, 0, -1], { width: 2, height: 2 }),
        (e) => e instanceof GeorefError && /Expected an EPSG code/.test(e.message),
      );
    }
    assert.equal(georefFromEpsg(4326, [0, 1, 0, 0, 0, -1], { width: 2, height: 2 }).crs.kind, "geographic");
    assert.equal(georefFromEpsg(32633, [0, 1, 0, 0, 0, -1], { width: 2, height: 2 }).crs.kind, "projected");
  });
  test("an unknown ProjectedCSTypeGeoKey or GeographicTypeGeoKey in a file: a local CRS that says why", () => {
    for (const [model, key, code, name] of [
      [1, 3072, 65000, "ProjectedCSTypeGeoKey"],
      [2, 2048, 999999, "GeographicTypeGeoKey"],
    ]) {
      const { crs } = georefFromTags(
        { GeoKeyDirectory: [1, 1, 0, 2, 1024, 0, 1, model, key, 0, 1, code] },
        { width: 2, height: 2 },
      );
      assert.equal(crs.kind, "local");
      assert.equal(crs.problem, `unknown EPSG code ${code} (${name})`);
      assert.equal(crs.proj4, undefined);
    }
  });
});
