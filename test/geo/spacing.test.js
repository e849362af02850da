// Ground spacing against independent values: geodesics, closed-form projection scale factors, gdaldem's scales.
import assert from "node:assert/strict";
import { test } from "node:test";
import geographiclib from "geographiclib-geodesic";
import geokeysToProj4 from "geotiff-geokeys-to-proj4";
import proj4 from "proj4";
import { GeorefError, georefFromTags, readDem, spacingModel } from "../../dist/index.js";
import { SAMPLES } from "../helpers/cli.js";

const WGS84 = geographiclib.Geodesic.WGS84;
const a = 6378137;
const f = 1 / 298.257223563;
const e2 = f * (2 - f);

/** A Georef for a north-up grid in an EPSG CRS (built through the same tags a file would carry). */
function grid(epsg, geographic, gt, width = 129, height = 97) {
  const keys = [1, 1, 0, 2, 1024, 0, 1, geographic ? 2 : 1, geographic ? 2048 : 3072, 0, 1, epsg];
  const tags = {
    ModelPixelScale: [gt[1], -gt[5], 0],
    ModelTiepoint: [0, 0, 0, gt[0], gt[3], 0],
    GeoKeyDirectory: keys,
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

test("EPSG:4326: per-row steps equal geodesic distances at 0°, 45°, 60° and 80°", () => {
  const d = 1 / 1200; // 3″
  for (const lat of [0.05, 45, 60, 80]) {
    const model = spacingModel(grid(4326, true, [10, d, 0, lat, 0, -d]));
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

test("UTM: scale 0.9996 on the central meridian, Snyder's series 3° away, convergence γ = atan(tan Δλ sin φ)", () => {
  const utm = geokeysToProj4.toProj4({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32633 }).proj4;
  const onMeridian = spacingModel(grid(32633, false, [500000 - 64 * 30, 30, 0, 5000000, 0, -30]));
  const { x, y, b } = steps(onMeridian, 40);
  close(x[63], 30 / 0.9996, 1e-6, "x on the meridian");
  close(y[64], 30 / 0.9996, 1e-6, "y on the meridian");
  // Pixel 64's centre lies 15 m east of the meridian: γ ≈ 15 m / R · sin φ ≈ 2e-6 rad.
  assert.ok(Math.abs(b[64]) < 1e-5);
  // 3° east of the meridian at about 45°N.
  const [e0, n0] = proj4("EPSG:4326", utm).forward([18, 45]);
  const model = spacingModel(grid(32633, false, [e0, 30, 0, n0, 0, -30]));
  const s = steps(model, 0);
  const [lon, lat] = proj4(utm, "EPSG:4326").forward([e0 + 15, n0 - 15]);
  const phi = (lat * Math.PI) / 180;
  const ep2 = e2 / (1 - e2);
  const A = (Math.cos(phi) * ((lon - 15) * Math.PI)) / 180;
  const C = ep2 * Math.cos(phi) ** 2;
  const T = Math.tan(phi) ** 2;
  const k =
    0.9996 * (1 + ((1 + C) * A * A) / 2 + ((5 - 4 * T + 42 * C + 13 * C * C - 28 * ep2) * A ** 4) / 24);
  close(s.x[0], 30 / k, 2e-6, "x 3° east");
  close(s.y[0], 30 / k, 2e-6, "y 3° east");
  const gamma = Math.atan(Math.tan(((lon - 15) * Math.PI) / 180) * Math.sin(phi));
  assert.ok(Math.abs(s.b[0] - gamma) < 2e-5, `convergence ${s.b[0]} vs ${gamma}`);
});

test("Web Mercator: steps shrink with latitude like N cos φ / a and M cos φ / a (k ≈ sec φ)", () => {
  for (const lat of [0, 45, 60]) {
    const [x0, y0] = proj4("EPSG:4326", "EPSG:3857").forward([10, lat]);
    const model = spacingModel(grid(3857, false, [x0, 50, 0, y0, 0, -50]));
    const { x, y } = steps(model, 0);
    // Each step is measured at its midpoint latitude: row 0's centre for x, between rows 0 and 1 for y.
    const radii = (northing) => {
      const phi = (proj4("EPSG:3857", "EPSG:4326").forward([x0, northing])[1] * Math.PI) / 180;
      const w = Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
      return { N: a / w, M: (a * (1 - e2)) / w ** 3, cos: Math.cos(phi) };
    };
    const rx = radii(y0 - 25);
    const ry = radii(y0 - 50);
    close(x[0], (50 * rx.N * rx.cos) / a, 1e-6, `x at ${lat}`);
    close(y[0], (50 * ry.M * ry.cos) / a, 1e-6, `y at ${lat}`);
  }
});

test("coarse-grid interpolation stays within 1e-6 of exact per-pixel geodesics", () => {
  const cases = [
    [3857, proj4("EPSG:4326", "EPSG:3857").forward([20, 60.5]), 30],
    [
      32633,
      proj4(
        "EPSG:4326",
        geokeysToProj4.toProj4({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32633 }).proj4,
      ).forward([18.5, 47]),
      30,
    ],
    [2263, [1000000, 200000], 10],
  ];
  for (const [epsg, [x0, y0], pixel] of cases) {
    const georef = grid(epsg, false, [x0, pixel, 0, y0, 0, -pixel], 300, 200);
    const model = spacingModel(georef);
    const def = georef.crs.proj4;
    const toLonLat = proj4(def, "EPSG:4326");
    const geodesic = new geographiclib.Geodesic.Geodesic(
      6378137,
      georef.crs.ellipsoid.rf ? 1 / georef.crs.ellipsoid.rf : 0,
    );
    for (const row of [0, 37, 131, 198]) {
      const { x, y } = steps(model, row);
      for (const col of [0, 33, 150, 298]) {
        const p = toLonLat.forward([x0 + (col + 0.5) * pixel, y0 - (row + 0.5) * pixel]);
        const px = toLonLat.forward([x0 + (col + 1.5) * pixel, y0 - (row + 0.5) * pixel]);
        const py = toLonLat.forward([x0 + (col + 0.5) * pixel, y0 - (row + 1.5) * pixel]);
        close(x[col], geodesic.Inverse(p[1], p[0], px[1], px[0]).s12, 1e-6, `EPSG:${epsg} x (${row},${col})`);
        close(y[col], geodesic.Inverse(p[1], p[0], py[1], py[0]).s12, 1e-6, `EPSG:${epsg} y (${row},${col})`);
      }
    }
    if (epsg === 2263) close(steps(model, 0).x[0], pixel * (1200 / 3937), 1e-4, "US survey feet");
  }
});

test("nominal mode: gdaldem's pixel size, GDAL 3.11's geographic auto-scale", async () => {
  const n43 = await readDem(`${SAMPLES}N43E006.tiff`);
  const nominal = spacingModel(n43.georef, { mode: "nominal" });
  const { x, y } = steps(nominal, 0);
  const yscale = (Math.PI / 180) * 6378137; // 111319.49
  const gt = n43.georef.geoTransform;
  close(x[0], gt[1] * yscale * Math.cos(((gt[3] + (n43.height * gt[5]) / 2) * Math.PI) / 180), 1e-12, "x");
  close(y[0], -gt[5] * yscale, 1e-12, "y");
  close(yscale * Math.cos((43.5 * Math.PI) / 180), 80748.3, 1e-6, "GDAL's xscale for n43");
  const explicit = spacingModel(n43.georef, { xscale: 111120, yscale: 111120 });
  close(steps(explicit, 0).x[0], gt[1] * 111120, 1e-12, "explicit");
});

test("no usable georeferencing: an error that says what to pass", async () => {
  const whitebox = await readDem(`${SAMPLES}whitebox_DEM.tif`);
  assert.throws(
    () => spacingModel(whitebox.georef),
    (e) => e instanceof GeorefError && /--xscale\/--yscale/.test(e.message),
  );
  assert.equal(spacingModel(whitebox.georef, { mode: "nominal", warn: () => {} }).mode, "nominal");
  const bare = georefFromTags({}, { width: 3, height: 3 });
  assert.throws(
    () => spacingModel(bare),
    (e) => e instanceof GeorefError && /no georeferencing/.test(e.message),
  );
  const rotated = georefFromTags(
    {
      ModelTransformation: [30, 5, 0, 1000, 5, -30, 0, 2000, 0, 0, 0, 0, 0, 0, 0, 1],
      GeoKeyDirectory: [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32611],
    },
    { width: 3, height: 3 },
  );
  assert.throws(() => spacingModel(rotated, { mode: "nominal" }), /rotated or sheared/);
});
