// Ground spacing against independent values: geodesics, closed-form projection scale factors and meridian
// convergence, gdaldem's scales; the coarse-grid interpolation against exact per-pixel geodesics; errors.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, test } from "node:test";
import geographiclib from "geographiclib-geodesic";
import proj4 from "proj4";
import { GeorefError } from "../../dist/errors.js";
import { georefFromTags } from "../../dist/geo/georef.js";
import { spacingModel, spacingRange } from "../../dist/geo/spacing.js";
import { HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { gdalGeoTiff, readTags } from "./tags.js";

const WGS84 = geographiclib.Geodesic.WGS84;
const a = 6378137;
const f = 1 / 298.257223563;
const e2 = f * (2 - f);
const rad = (deg) => (deg * Math.PI) / 180;
const UTM33 = "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs";
const US_FT = 1200 / 3937;

/** GeoKeyDirectory for an EPSG code (projected or geographic), with optional extra [id, value] short keys. */
function keysFor(epsg, geographic, extra = []) {
  const entries = [[1024, geographic ? 2 : 1], [geographic ? 2048 : 3072, epsg], ...extra].sort(
    (x, y) => x[0] - y[0],
  );
  return [1, 1, 0, entries.length, ...entries.flatMap(([id, v]) => [id, 0, 1, v])];
}

/** A Georef for a grid (north-up unless gt[5] > 0) in an EPSG CRS, through the tags a file would carry. */
function grid(epsg, geographic, gt, width = 129, height = 97, extraKeys = []) {
  const tags = {
    ModelPixelScale: [gt[1], -gt[5], 0],
    ModelTiepoint: [0, 0, 0, gt[0], gt[3], 0],
    GeoKeyDirectory: keysFor(epsg, geographic, extraKeys),
  };
  return georefFromTags(tags, { width, height });
}

function steps(model, row) {
  const x = new Float64Array(model.width - 1);
  const y = new Float64Array(model.width);
  const b = new Float64Array(model.width);
  model.xSteps(row, x);
  model.ySteps(row, y);
  model.gridNorthBearing(row, b);
  return { x, y, b };
}

const close = (actual, expected, rel, what) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

/** Exact ground steps at pixel (row, col): inverse-project with `definition`, geodesic on WGS84-like `geodesic`. */
function exactSteps(definition, gt, row, col, geodesic = WGS84) {
  const toLonLat = proj4(definition, "EPSG:4326");
  const at = (c, r) => toLonLat.forward([gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]]);
  const p = at(col, row);
  const px = at(col + 1, row);
  const py = at(col, row + 1);
  return {
    x: geodesic.Inverse(p[1], p[0], px[1], px[0]).s12,
    y: geodesic.Inverse(p[1], p[0], py[1], py[0]).s12,
  };
}

/** Snyder's (8-10) transverse Mercator point scale factor at lon/lat (degrees), central meridian lon0. */
function tmScale(lon, lat, lon0, k0 = 0.9996) {
  const phi = rad(lat);
  const ep2 = e2 / (1 - e2);
  const A = Math.cos(phi) * rad(lon - lon0);
  const C = ep2 * Math.cos(phi) ** 2;
  const T = Math.tan(phi) ** 2;
  return k0 * (1 + ((1 + C) * A * A) / 2 + ((5 - 4 * T + 42 * C + 13 * C * C - 28 * ep2) * A ** 4) / 24);
}

describe("geographic CRS: closed form per row", () => {
  test("EPSG:4326: steps equal geodesic distances at 0°, 45°, 60° and 80°", () => {
    const d = 1 / 1200; // 3″
    for (const lat of [0.05, 45, 60, 80]) {
      const model = spacingModel(grid(4326, true, [10, d, 0, lat, 0, -d]));
      assert.equal(model.mode, "ground");
      for (const row of [0, 50, 95]) {
        const { x, y, b } = steps(model, row);
        const phi = lat - (row + 0.5) * d;
        // Along the parallel the geodesic chord and the parallel arc agree to ~1e-10 for 3″.
        close(x[7], WGS84.Inverse(phi, 10, phi, 10 + d).s12, 1e-9, `x at ${phi}`);
        close(y[7], WGS84.Inverse(phi, 10, phi - d, 10).s12, 1e-9, `y at ${phi}`);
        assert.equal(b[3], 0);
      }
    }
  });
  test("south-up: the same ground steps, positive", () => {
    const d = 1 / 1200;
    const northUp = spacingModel(grid(4326, true, [10, d, 0, 46, 0, -d], 10, 10));
    const southUp = spacingModel(grid(4326, true, [10, d, 0, 46 - 10 * d, 0, d], 10, 10));
    for (let r = 0; r < 9; r++) {
      close(steps(southUp, r).y[0], steps(northUp, 8 - r).y[0], 1e-12, `y row ${r}`);
      close(steps(southUp, r).x[0], steps(northUp, 9 - r).x[0], 1e-12, `x row ${r}`);
    }
  });
  test("an odd ellipsoid (dem-hills.tiff): distances on that ellipsoid, not WGS84", async () => {
    const { tags, width, height } = await readTags(sample("dem-hills.tiff"));
    const georef = georefFromTags(tags, { width, height });
    const [x0, dx, , y0, , dy] = georef.geoTransform;
    const delambre = new geographiclib.Geodesic.Geodesic(6376428, 1 / 311.5);
    const { x, y } = steps(spacingModel(georef), 100);
    const lat = y0 + 100.5 * dy;
    close(x[5], delambre.Inverse(lat, x0, lat, x0 + dx).s12, 1e-9, "x");
    close(y[5], delambre.Inverse(lat, x0, lat + dy, x0).s12, 1e-9, "y");
  });
});

describe("projected CRS: geodesics between inverse-projected pixel centres", () => {
  test("UTM: scale 0.9996 on the central meridian, Snyder's series 3° away", () => {
    const onMeridian = spacingModel(grid(32633, false, [500000 - 64 * 30, 30, 0, 5000000, 0, -30]));
    const { x, y, b } = steps(onMeridian, 40);
    close(x[63], 30 / 0.9996, 1e-6, "x on the meridian");
    close(y[64], 30 / 0.9996, 1e-6, "y on the meridian");
    // Pixel 64's centre lies 15 m east of the meridian: γ ≈ 15 m / R · sin φ ≈ 2e-6 rad.
    assert.ok(Math.abs(b[64]) < 1e-5);
    const [e0, n0] = proj4("EPSG:4326", UTM33).forward([18, 45]);
    const s = steps(spacingModel(grid(32633, false, [e0, 30, 0, n0, 0, -30])), 0);
    const [lon, lat] = proj4(UTM33, "EPSG:4326").forward([e0 + 15, n0 - 15]);
    const k = tmScale(lon, lat, 15);
    close(s.x[0], 30 / k, 2e-6, "x 3° east"); // the model measures between centres, k at the first one
    close(s.y[0], 30 / k, 2e-6, "y 3° east");
    const exact = exactSteps(UTM33, [e0, 30, 0, n0, 0, -30], 0, 0);
    close(s.x[0], exact.x, 1e-9, "x vs geodesic");
    close(s.y[0], exact.y, 1e-9, "y vs geodesic");
  });
  test("UTM south on GRS80 without an EPSG code (user-defined keys): k = 0.9996 on the central meridian", () => {
    // GeographicType user-defined, GeogEllipsoid 7019 (GRS 1980), ProjectedCSType user-defined, Projection 16133
    // (UTM zone 33S), ProjLinearUnits metre: what GDAL writes for "+proj=utm +zone=33 +south +ellps=GRS80".
    const keys = [1, 1, 0, 6, 1024, 0, 1, 1, 2048, 0, 1, 32767, 2056, 0, 1, 7019, 3072, 0, 1, 32767];
    keys.push(3074, 0, 1, 16133, 3076, 0, 1, 9001);
    const georef = georefFromTags(
      {
        ModelPixelScale: [30, 30, 0],
        ModelTiepoint: [0, 0, 0, 500000 - 30 * 10, 6000000, 0],
        GeoKeyDirectory: keys,
      },
      { width: 21, height: 21 },
    );
    assert.equal(georef.crs.kind, "projected");
    assert.equal(georef.crs.epsg, undefined);
    assert.deepEqual(georef.crs.ellipsoid, { a: 6378137, rf: 298.257222101 });
    const { x, y, b } = steps(spacingModel(georef), 10);
    close(x[9], 30 / 0.9996, 1e-6, "x"); // pixels 9 and 10 straddle the meridian
    close(y[10], 30 / 0.9996, 1e-6, "y");
    assert.ok(Math.abs(b[10]) < 1e-5);
  });
  test("grid north bearing: γ = atan(tan Δλ sin φ), clockwise of true north east of the meridian in the north", () => {
    const cases = [
      [18, 45, 1],
      [12, 45, -1],
      [18, -45, -1],
      [12, -45, 1],
    ];
    for (const [lon0, lat0, sign] of cases) {
      const south = lat0 < 0;
      const def = south ? "+proj=utm +zone=33 +south +datum=WGS84 +units=m +no_defs" : UTM33;
      const [e0, n0] = proj4("EPSG:4326", def).forward([lon0, lat0]);
      const g = grid(south ? 32733 : 32633, false, [e0, 30, 0, n0, 0, -30], 5, 5);
      const { b } = steps(spacingModel(g), 0);
      const [lon, lat] = proj4(def, "EPSG:4326").forward([e0 + 15, n0 - 15]);
      const gamma = Math.atan(Math.tan(rad(lon - 15)) * Math.sin(rad(lat)));
      assert.equal(Math.sign(b[0]), sign, `sign at ${lon0}, ${lat0}`);
      assert.ok(Math.abs(b[0] - gamma) < 2e-5, `convergence ${b[0]} vs ${gamma}`);
      assert.ok(Math.abs(b[0]) > rad(2), "about 2.1°");
    }
  });
  test("Web Mercator: steps shrink with latitude like N cos φ / a and M cos φ / a (k ≈ sec φ)", () => {
    for (const lat of [0, 45, 60]) {
      const [x0, y0] = proj4("EPSG:4326", "EPSG:3857").forward([10, lat]);
      const model = spacingModel(grid(3857, false, [x0, 50, 0, y0, 0, -50]));
      const { x, y, b } = steps(model, 0);
      // Each step is measured at its midpoint latitude: row 0's centre for x, between rows 0 and 1 for y.
      const radii = (northing) => {
        const phi = rad(proj4("EPSG:3857", "EPSG:4326").forward([x0, northing])[1]);
        const w = Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
        return { N: a / w, M: (a * (1 - e2)) / w ** 3, cos: Math.cos(phi) };
      };
      const rx = radii(y0 - 25);
      const ry = radii(y0 - 50);
      close(x[0], (50 * rx.N * rx.cos) / a, 1e-6, `x at ${lat}`);
      close(y[0], (50 * ry.M * ry.cos) / a, 1e-6, `y at ${lat}`);
      assert.ok(Math.abs(b[0]) < 1e-12, "meridians are grid north");
    }
  });
  test("US survey feet (EPSG:2263 with ProjLinearUnitsGeoKey 9003): step = pixel · 1200/3937 m / k (Snyder's LCC)", () => {
    const lcc =
      "+proj=lcc +lat_0=40.1666666666667 +lon_0=-74 +lat_1=41.0333333333333 +lat_2=40.6666666666667 " +
      "+x_0=300000 +y_0=0 +ellps=GRS80 +units=us-ft +no_defs";
    const gt = [980000, 10, 0, 210000, 0, -10]; // feet, around Manhattan
    const georef = grid(2263, false, gt, 300, 200, [[3076, 9003]]);
    assert.equal(georef.crs.linearUnit, US_FT);
    const model = spacingModel(georef);
    const grs80 = new geographiclib.Geodesic.Geodesic(6378137, 1 / 298.257222101);
    const E2 = (1 / 298.257222101) * (2 - 1 / 298.257222101);
    const e = Math.sqrt(E2);
    const m = (phi) => Math.cos(phi) / Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
    const t = (phi) =>
      Math.tan(Math.PI / 4 - phi / 2) / ((1 - e * Math.sin(phi)) / (1 + e * Math.sin(phi))) ** (e / 2);
    const [p1, p2] = [rad(41.0333333333333), rad(40.6666666666667)];
    const n = (Math.log(m(p1)) - Math.log(m(p2))) / (Math.log(t(p1)) - Math.log(t(p2)));
    const F = m(p1) / (n * t(p1) ** n);
    for (const [row, col] of [
      [0, 0],
      [100, 150],
      [198, 298],
    ]) {
      const { x, y } = steps(model, row);
      const [, lat] = proj4(lcc, "EPSG:4326").forward([gt[0] + (col + 0.5) * 10, gt[3] - (row + 0.5) * 10]);
      const k = (F * t(rad(lat)) ** n * n) / m(rad(lat)); // Snyder (15-4): k = ρ n / (a m), ρ = a F tⁿ
      close(x[col], (10 * US_FT) / k, 2e-6, `x (${row}, ${col})`);
      close(y[col], (10 * US_FT) / k, 2e-6, `y (${row}, ${col})`);
      const exact = exactSteps(lcc, gt, row, col, grs80);
      close(x[col], exact.x, 1e-6, `x vs geodesic (${row}, ${col})`);
      close(y[col], exact.y, 1e-6, `y vs geodesic (${row}, ${col})`);
    }
  });
});

test("a datum shift (+towgs84) does not move the points: lon/lat on the CRS's own datum, distances on its ellipsoid", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, async () => {
  const aea = "+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 +ellps=clrk66";
  const dir = mkdtempSync(`${tmpdir()}/demgrad-spacing-`);
  try {
    const path = gdalGeoTiff(
      dir,
      "aea",
      `${aea} +towgs84=-8,160,176,0,0,0,0 +units=m`,
      [1500000, 2500000, 1500040, 2499970],
    );
    const { tags, width, height } = await readTags(path);
    const georef = georefFromTags(tags, { width, height });
    assert.match(georef.crs.proj4, /\+towgs84=/);
    const { x, y } = steps(spacingModel(georef), 1);
    const clarke = new geographiclib.Geodesic.Geodesic(6378206.4, 1 / 294.978698213898);
    const exact = exactSteps(`${aea} +units=m`, georef.geoTransform, 1, 2, clarke);
    close(x[2], exact.x, 1e-9, "x");
    close(y[2], exact.y, 1e-9, "y");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("coarse-grid interpolation", () => {
  const cases = [
    ["EPSG:3857 at 60°N", 3857, "EPSG:3857", [20, 60.5], 30],
    ["EPSG:3857 at 70°N, 500 m pixels", 3857, "EPSG:3857", [20, 70], 500],
    ["UTM 33N 3.5° from its meridian", 32633, UTM33, [18.5, 47], 30],
    ["UTM 33N, 1 km pixels", 32633, UTM33, [17, 50], 1000],
  ];
  for (const [name, epsg, def, lonLat, pixel] of cases) {
    test(`${name}: within 1e-6 of exact per-pixel geodesics`, () => {
      const [x0, y0] = proj4("EPSG:4326", def).forward(lonLat);
      const gt = [x0, pixel, 0, y0, 0, -pixel];
      const model = spacingModel(grid(epsg, false, gt, 300, 200));
      for (const row of [0, 37, 131, 198, 199]) {
        const { x, y } = steps(model, row);
        for (const col of [0, 33, 150, 298]) {
          const exact = exactSteps(def, gt, row, col);
          close(x[col], exact.x, 1e-6, `x (${row}, ${col})`);
          close(y[col], exact.y, 1e-6, `y (${row}, ${col})`);
        }
      }
    });
  }
  test("rows in any order, and windows, give the whole model's values", () => {
    const [x0, y0] = proj4("EPSG:4326", UTM33).forward([18.5, 47]);
    const georef = grid(32633, false, [x0, 30, 0, y0, 0, -30], 300, 200);
    const inOrder = [];
    const model = spacingModel(georef);
    for (let r = 0; r < 200; r++) inOrder.push(steps(model, r));
    const shuffled = spacingModel(georef);
    for (const r of [199, 3, 150, 64, 0, 128, 127, 65])
      assert.deepEqual(steps(shuffled, r), inOrder[r], `row ${r}`);
    const window = spacingModel(georef, { window: { x: 70, y: 100, width: 100, height: 60 } });
    for (const r of [0, 27, 59]) {
      const w = steps(window, r);
      assert.deepEqual(w.x, inOrder[r + 100].x.subarray(70, 169));
      assert.deepEqual(w.y, inOrder[r + 100].y.subarray(70, 170));
      assert.deepEqual(w.b, inOrder[r + 100].b.subarray(70, 170));
    }
  });
  test("south-up: the same spacing as the north-up raster, bearing 0 on the meridian", () => {
    const northUp = spacingModel(grid(32633, false, [500000 - 30 * 5, 30, 0, 5000000, 0, -30], 10, 10));
    const southUp = spacingModel(grid(32633, false, [500000 - 30 * 5, 30, 0, 5000000 - 300, 0, 30], 10, 10));
    for (let r = 0; r < 9; r++) {
      close(steps(southUp, r).y[5], steps(northUp, 8 - r).y[5], 1e-9, `y row ${r}`);
      close(steps(southUp, r).x[5], steps(northUp, 9 - r).x[5], 1e-9, `x row ${r}`);
      assert.ok(Math.abs(steps(southUp, r).b[5]) < 1e-5);
    }
  });
});

describe("rotated and sheared geotransforms", () => {
  // Columns turned 30° anticlockwise from map +x, rows 20° further from perpendicular.
  const t = rad(30);
  const s = rad(50);
  const [e0, n0] = proj4("EPSG:4326", UTM33).forward([17, 48]);
  const gt = [e0, 30 * Math.cos(t), 30 * Math.sin(s), n0, 30 * Math.sin(t), -30 * Math.cos(s)];
  const tags = {
    ModelTransformation: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3], 0, 0, 0, 0, 0, 0, 0, 1],
    GeoKeyDirectory: keysFor(32633, false),
  };
  const sheared = georefFromTags(tags, { width: 150, height: 100 });
  test("ground steps: geodesics between the transform's neighbours, within 1e-6", () => {
    const model = spacingModel(sheared);
    assert.ok(model.frame, "a sheared grid has a ground frame");
    const toLonLat = proj4(UTM33, "EPSG:4326");
    const at = (c, r) =>
      toLonLat.forward([
        gt[0] + (c + 0.5) * gt[1] + (r + 0.5) * gt[2],
        gt[3] + (c + 0.5) * gt[4] + (r + 0.5) * gt[5],
      ]);
    for (const [row, col] of [
      [0, 0],
      [37, 101],
      [98, 148],
    ]) {
      const { x, y } = steps(model, row);
      const p = at(col, row);
      const px = at(col + 1, row);
      const py = at(col, row + 1);
      close(x[col], WGS84.Inverse(p[1], p[0], px[1], px[0]).s12, 1e-6, `x (${row}, ${col})`);
      close(y[col], WGS84.Inverse(p[1], p[0], py[1], py[0]).s12, 1e-6, `y (${row}, ${col})`);
    }
  });
  test("the frame turns derivatives along the two steps into east/north: a known gradient comes back", () => {
    const model = spacingModel(sheared);
    const toLonLat = proj4(UTM33, "EPSG:4326");
    const at = (c, r) => toLonLat.forward([gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]]);
    const [gE, gN] = [0.3, -0.2];
    const m = [0, 1, 2, 3].map(() => new Float64Array(150));
    model.frame.eastNorth(50, ...m);
    for (const col of [1, 75, 148]) {
      // Directional derivatives along each step's tangent, from azimuths of tiny centred chords (independent).
      const p = at(col + 0.5, 50.5);
      const along = (dc, dr) => {
        const fwd = at(col + 0.5 + dc, 50.5 + dr);
        const back = at(col + 0.5 - dc, 50.5 - dr);
        const a1 = rad(WGS84.Inverse(p[1], p[0], fwd[1], fwd[0]).azi1);
        const a2 = rad(WGS84.Inverse(p[1], p[0], back[1], back[0]).azi1) + Math.PI;
        const [e, n] = [Math.sin(a1) + Math.sin(a2), Math.cos(a1) + Math.cos(a2)];
        return (gE * e + gN * n) / Math.hypot(e, n);
      };
      const a = along(0.01, 0);
      const b = along(0, 0.01);
      close(m[0][col] * a + m[1][col] * b, gE, 1e-6, `east at ${col}`);
      close(m[2][col] * a + m[3][col] * b, gN, 1e-6, `north at ${col}`);
    }
  });
  test("grid north is the map's +y on the ground, whatever the grid's rotation", () => {
    const model = spacingModel(sheared);
    const bearing = new Float64Array(150);
    model.gridNorthBearing(20, bearing);
    const toLonLat = proj4(UTM33, "EPSG:4326");
    for (const col of [0, 90, 149]) {
      const [x, y] = [gt[0] + (col + 0.5) * gt[1] + 20.5 * gt[2], gt[3] + (col + 0.5) * gt[4] + 20.5 * gt[5]];
      const [p, up] = [toLonLat.forward([x, y]), toLonLat.forward([x, y + 0.1])];
      const expected = rad(WGS84.Inverse(p[1], p[0], up[1], up[0]).azi1);
      assert.ok(Math.abs(bearing[col] - expected) < 2e-6, `col ${col}: ${bearing[col]} vs ${expected}`);
    }
  });
  test("nominal and explicit: the transform's step vectors, map x and y taken as east and north", () => {
    for (const options of [{ mode: "nominal" }, { xscale: 2, yscale: 3 }]) {
      const model = spacingModel(sheared, options);
      const [sx, sy] = options.xscale ? [2, 3] : [1, 1];
      const { x, y, b } = steps(model, 10);
      close(x[5], Math.hypot(gt[1] * sx, gt[4] * sy), 1e-15, "x");
      close(y[5], Math.hypot(gt[2] * sx, gt[5] * sy), 1e-15, "y");
      assert.equal(b[5], 0);
      const m = [0, 1, 2, 3].map(() => new Float64Array(150));
      model.frame.eastNorth(10, ...m);
      // A gradient (0.3, −0.2) seen along the steps comes back.
      const u = [(gt[1] * sx) / x[5], (gt[4] * sy) / x[5]];
      const v = [(gt[2] * sx) / y[5], (gt[5] * sy) / y[5]];
      const a = 0.3 * u[0] - 0.2 * u[1];
      const bb = 0.3 * v[0] - 0.2 * v[1];
      close(m[0][3] * a + m[1][3] * bb, 0.3, 1e-12, "east");
      close(m[2][3] * a + m[3][3] * bb, -0.2, 1e-12, "north");
    }
  });
  test("unrotated grids in nominal, explicit and geographic ground modes have no frame (gdaldem's arithmetic)", () => {
    assert.equal(
      spacingModel(grid(32633, false, [500000, 30, 0, 5000000, 0, -30]), { mode: "nominal" }).frame,
      undefined,
    );
    assert.equal(spacingModel(grid(4326, true, [10, 0.001, 0, 45, 0, -0.001])).frame, undefined);
    assert.equal(
      spacingModel(grid(4326, true, [10, 0.001, 0, 45, 0, -0.001]), { xscale: 1, yscale: 1 }).frame,
      undefined,
    );
  });
});

describe("nominal and explicit modes", () => {
  test("geographic: GDAL 3.11's auto-scale; the gdaldem notes' n43 numbers", {
    skip: missing("N43E006.tiff"),
  }, async () => {
    const { tags, width, height } = await readTags(sample("N43E006.tiff"));
    const georef = georefFromTags(tags, { width, height });
    const nominal = spacingModel(georef, { mode: "nominal" });
    assert.equal(nominal.mode, "nominal");
    const { x, y, b } = steps(nominal, 0);
    const gt = georef.geoTransform;
    close(111319.49, (Math.PI / 180) * 6378137, 1e-8, "gdaldem's yscale");
    close(x[0], gt[1] * 80748.3, 1e-6, "x: gdaldem's xscale for the n43 tile's centre 43.5°");
    close(y[0], -gt[5] * 111319.49, 1e-7, "y");
    assert.equal(b[0], 0);
  });
  test("geographic beyond 80°: a warning", () => {
    const warnings = [];
    spacingModel(grid(4326, true, [0, 0.01, 0, 85, 0, -0.01]), {
      mode: "nominal",
      warn: (m) => warnings.push(m),
    });
    assert.equal(warnings.length, 1);
  });
  test("projected: pixel size × linear unit, no projection distortion", () => {
    const feet = spacingModel(grid(2263, false, [980000, 10, 0, 210000, 0, -10], 5, 5, [[3076, 9003]]), {
      mode: "nominal",
    });
    const { x, y } = steps(feet, 2);
    assert.equal(x[0], 10 * US_FT);
    assert.equal(y[4], 10 * US_FT);
    const mercator = spacingModel(grid(3857, false, [0, 50, 0, 8000000, 0, -25], 5, 5), { mode: "nominal" });
    assert.deepEqual([steps(mercator, 0).x[0], steps(mercator, 0).y[0]], [50, 25]);
  });
  test("local CRS (whitebox_DEM.tif): grid units as metres, with a warning", async () => {
    const { tags, width, height } = await readTags(sample("whitebox_DEM.tif"));
    const georef = georefFromTags(tags, { width, height });
    const warnings = [];
    const model = spacingModel(georef, { mode: "nominal", warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.equal(steps(model, 0).x[0], Math.abs(georef.geoTransform[1]));
    assert.equal(steps(model, 0).y[0], Math.abs(georef.geoTransform[5]));
  });
  test("explicit scales: |gt| × scale, with or without a CRS, whatever the mode", () => {
    const noCrs = georefFromTags(
      { ModelPixelScale: [2, 3, 0], ModelTiepoint: [0, 0, 0, 0, 0, 0] },
      { width: 4, height: 4 },
    );
    assert.equal(noCrs.crs.kind, "none");
    const model = spacingModel(noCrs, { xscale: 10, yscale: 100 });
    assert.equal(model.mode, "explicit");
    const { x, y, b } = steps(model, 1);
    assert.deepEqual([x[0], y[0], b[0]], [20, 300, 0]);
    const degrees = spacingModel(grid(4326, true, [10, 0.001, 0, 45, 0, -0.001]), {
      xscale: 111120,
      yscale: 111120,
    });
    close(steps(degrees, 0).x[0], 111.12, 1e-12, "degrees × 111120");
  });
});

describe("spacingRange", () => {
  test("a 10⁹-pixel-wide raster: a bounded number of probes, the extremes of the steps", {
    timeout: 20000,
  }, () => {
    // 1 mm pixels across 1000 km of UTM 33N, centred on its meridian: k from 0.9996 to about 1.0127.
    const width = 1e9;
    const gt = [0, 0.001, 0, 5300000, 0, -0.001];
    const georef = grid(32633, false, gt, width, 3);
    const started = performance.now();
    const range = spacingRange(spacingModel(georef));
    assert.ok(performance.now() - started < 10000, "seconds, not minutes");
    const edge = exactSteps(UTM33, gt, 0, 0);
    const middle = exactSteps(UTM33, gt, 1, width / 2);
    close(range.dxMin, edge.x, 1e-6, "dxMin at the western edge");
    close(range.dxMax, middle.x, 1e-5, "dxMax on the meridian");
    close(range.dyMin, edge.y, 1e-6, "dyMin");
    close(range.dyMax, middle.y, 1e-5, "dyMax");
  });
  test("the extremes of a full scan (UTM far from its meridian, geographic)", () => {
    const [x0, y0] = proj4("EPSG:4326", UTM33).forward([18.5, 47]);
    const rasters = [
      grid(32633, false, [x0, 30, 0, y0, 0, -30], 300, 500),
      grid(4326, true, [10, 0.01, 0, 60, 0, -0.01], 40, 300),
    ];
    for (const georef of rasters) {
      const model = spacingModel(georef);
      const full = { dxMin: Infinity, dxMax: -Infinity, dyMin: Infinity, dyMax: -Infinity };
      for (let r = 0; r < georef.height; r++) {
        const { x, y } = steps(model, r);
        for (const v of x) [full.dxMin, full.dxMax] = [Math.min(full.dxMin, v), Math.max(full.dxMax, v)];
        if (r < georef.height - 1)
          for (const v of y) [full.dyMin, full.dyMax] = [Math.min(full.dyMin, v), Math.max(full.dyMax, v)];
      }
      const range = spacingRange(model);
      for (const key of Object.keys(full)) close(range[key], full[key], 1e-9, key);
    }
  });
});

describe("errors", () => {
  test("unknown modes and bad explicit scales are refused, naming the option and what it takes", () => {
    const utm = grid(32633, false, [500000, 30, 0, 5000000, 0, -30], 5, 5);
    assert.throws(
      () => spacingModel(utm, { mode: "x" }),
      (e) =>
        e instanceof RangeError &&
        /Expected one of ground, nominal for mode but received "x"/.test(e.message),
    );
    for (const [options, name] of [
      [{ xscale: -1, yscale: 1 }, "xscale"],
      [{ xscale: 1, yscale: 0 }, "yscale"],
      [{ xscale: Number.NaN, yscale: 1 }, "xscale"],
      [{ xscale: 2 }, "yscale"],
    ]) {
      assert.throws(
        () => spacingModel(utm, options),
        (e) => e instanceof RangeError && new RegExp(`greater than 0 for ${name}`).test(e.message),
        JSON.stringify(options),
      );
    }
  });
  test("geographic rows beyond ±90°: refused in ground and nominal modes, naming the latitude", () => {
    for (const gt of [
      [0, 0.1, 0, 95, 0, -0.1],
      [0, 0.1, 0, -89, 0, -0.1],
      [0, 0.1, 0, -95, 0, 0.1],
    ]) {
      for (const mode of ["ground", "nominal"]) {
        assert.throws(
          () => spacingModel(grid(4326, true, gt, 10, 20), { mode }),
          (e) => e instanceof GeorefError && /reaches latitude -?9\d(\.\d+)?°, beyond ±90°/.test(e.message),
          `${gt} ${mode}`,
        );
      }
    }
    // A global grid reaches the poles exactly, and its steps stay positive.
    const global = spacingModel(grid(4326, true, [-180, 1, 0, 90, 0, -1], 360, 180));
    const { x, y } = steps(global, 0);
    assert.ok(x[0] > 0 && y[0] > 0);
    assert.ok(steps(global, 179).x[0] > 0);
  });
  test("non-finite or absurd geotransforms: a GeorefError naming the problem, in every mode", () => {
    const huge = georefFromTags(
      {
        ModelPixelScale: [1e308, 1e308, 0],
        ModelTiepoint: [0, 0, 0, 500000, 4000000, 0],
        GeoKeyDirectory: keysFor(32633, false),
      },
      { width: 10, height: 10 },
    );
    for (const options of [{}, { mode: "nominal" }, { xscale: 1, yscale: 1 }]) {
      assert.throws(
        () => spacingModel(huge, options),
        (e) => e instanceof GeorefError && /corner coordinates are not finite/.test(e.message),
      );
    }
    const tiny = grid(32633, false, [5e6, 1e-12, 0, 5e6, 0, -1e-12], 4, 4);
    assert.throws(
      () => spacingModel(tiny),
      (e) =>
        e instanceof GeorefError && /neighbouring pixel centres have the same coordinates/.test(e.message),
    );
    // Finite, but nowhere on Earth: no pixel can be located.
    const far = grid(32633, false, [1e15, 1e10, 0, 1e15, 0, -1e10], 10, 10);
    assert.throws(
      () => spacingModel(far),
      (e) => e instanceof GeorefError && /do not lie where its CRS is defined/.test(e.message),
    );
  });
  test("an unknown EPSG code: refused in ground mode, naming the code and what to pass", () => {
    const unknown = georefFromTags(
      {
        ModelPixelScale: [30, 30, 0],
        ModelTiepoint: [0, 0, 0, 500000, 4000000, 0],
        GeoKeyDirectory: keysFor(65000, false),
      },
      { width: 5, height: 5 },
    );
    assert.throws(
      () => spacingModel(unknown),
      (e) =>
        e instanceof GeorefError &&
        /^unknown EPSG code 65000 \(ProjectedCSTypeGeoKey\): ground distances are unknown: pass --xscale/.test(
          e.message,
        ),
    );
  });
  test("local CRS or no transform in ground mode: says what to pass", async () => {
    const { tags, width, height } = await readTags(sample("whitebox_DEM.tif"));
    const local = georefFromTags(tags, { width, height });
    assert.equal(local.crs.kind, "local");
    const bare = georefFromTags({ GeoKeyDirectory: keysFor(32633, false) }, { width: 3, height: 3 });
    for (const georef of [local, bare]) {
      assert.throws(
        () => spacingModel(georef),
        (e) =>
          e instanceof GeorefError &&
          /--xscale\/--yscale/.test(e.message) &&
          /--spacing nominal/.test(e.message),
      );
    }
    assert.throws(() => spacingModel(bare), /no georeferencing/);
  });
});
