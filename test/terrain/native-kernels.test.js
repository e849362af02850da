// The optional native kernels (native/kernels) against their JavaScript twins: every product file written with them
// is byte-identical to the one written with DEMGRAD_NATIVE=js, on real DEMs, on every derivative method, for TRI, TPI
// and roughness in both arithmetics, and on a
// hostile synthetic DEM (holes, isolated cells, flats, infinities, a rotated grid whose axes are not east/north).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import { georefFromEpsg, writeGeoTiff } from "../../dist/index.js";
import { nativeFallbackReason, nativeKernels } from "../../dist/native.js";
import { demgrad, ROOT } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

const ADDON = `${ROOT}native/kernels/build/Release/demgrad_kernels.node`;
const BUILT = existsSync(ADDON);
// CI has a compiler and node-gyp, so there kernels that were not built are a failure, not a skip.
if (!BUILT && process.env.CI) throw new Error("the native kernels must build in CI (g++, make, node-gyp)");
const NOT_BUILT = BUILT ? false : "the native kernels are not built (no C compiler or node-gyp)";

const dir = mkdtempSync(`${tmpdir()}/demgrad-native-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Holes, isolated cells, flats and infinities on 30 m pixels turned by about 12° (the grid's axes are not east and
 * north).
 */
const hostile = (async () => {
  const path = `${dir}/hostile.tif`;
  const width = 97;
  const height = 61;
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      data[i] = 300 + 40 * Math.sin(c / 7) * Math.cos(r / 5) + (c * r) / 50;
      if (c > 60 && r > 30) data[i] = 250; // a flat
      if ((c * 7 + r * 3) % 29 === 0) data[i] = Number.NaN; // scattered holes
      if (c > 20 && c < 30 && r > 10 && r < 20) data[i] = Number.NaN; // a hole
    }
  }
  data[25 + 15 * width] = 310; // an isolated cell in the hole
  data[5 + 40 * width] = Number.POSITIVE_INFINITY;
  data[6 + 41 * width] = Number.NEGATIVE_INFINITY;
  // 30 m pixels turned by about 12°: the grid's axes are not east and north.
  const gt = [500000, 29.3, 6.2, 4100000, 6.2, -29.3];
  const georef = georefFromEpsg(32633, gt, { width, height });
  await writeGeoTiff(path, { width, height, data }, { like: georef, nodata: Number.NaN });
})();

/** The addon itself, also when DEMGRAD_NATIVE=js hides it from demgrad. */
const addon = () => createRequire(import.meta.url)(ADDON);

/** `terrain` with both kernels; every output file's bytes, native and JavaScript. */
function bothWays(dem, products, extra = []) {
  const files = {};
  for (const mode of ["native", "js"]) {
    const args = ["terrain", dem, "-q", ...extra];
    for (const [flag, name] of products) args.push(flag, `${dir}/${mode}.${name}`);
    const run = demgrad(args, { env: { DEMGRAD_NATIVE: mode === "js" ? "js" : "" } });
    assert.equal(run.status, 0, run.stderr);
    files[mode] = products.map(([, name]) => readFileSync(`${dir}/${mode}.${name}`));
  }
  return files;
}

const PRODUCTS = [
  ["--slope", "slope.tif"],
  ["--gradient", "gradient.tif"],
  ["--hillshade", "shade.tif"],
  ["--aspect", "aspect.tif"],
];
const PLAIN = ["--layout", "plain", "--compress", "none"];
/** The products made from elevations alone that have native rows. */
const NEIGHBOURHOOD = [
  ["--tri", "tri.tif"],
  ["--tpi", "tpi.tif"],
  ["--roughness", "roughness.tif"],
];

function assertSame(dem, products, extra) {
  const { native, js } = bothWays(dem, products, extra);
  products.forEach(([, name], k) => {
    assert.ok(native[k].length > 1000, name);
    assert.ok(native[k].equals(js[k]), `${name}: native and JavaScript files differ (${extra.join(" ")})`);
  });
}

describe("the native kernels", { skip: NOT_BUILT }, () => {
  test("load where they were built; DEMGRAD_NATIVE=js turns them off", () => {
    const forced = process.env.DEMGRAD_NATIVE === "js";
    assert.equal(nativeKernels() === undefined, forced);
    assert.equal(nativeFallbackReason() === undefined, !forced);
    const probe = (env) =>
      spawnSync(
        process.execPath,
        [
          "-e",
          `import("${ROOT}dist/native.js").then((m) => console.log(m.nativeFallbackReason() ?? "native"))`,
        ],
        { encoding: "utf8", env: { ...process.env, ...env } },
      ).stdout.trim();
    assert.equal(probe({ DEMGRAD_NATIVE: "" }), "native");
    assert.match(probe({ DEMGRAD_NATIVE: "js" }), /DEMGRAD_NATIVE=js/);
  });

  test("-v says which kernels compute; a plain run says nothing", () => {
    const dem = `${ROOT}samples/alps-utm32.tif`;
    const loud = demgrad(["slope", dem, `${dir}/v.tif`, "-v"], { env: { DEMGRAD_NATIVE: "" } });
    assert.equal(loud.status, 0, loud.stderr);
    assert.match(loud.stderr, /^demgrad: note: native kernels$/m);
    const js = demgrad(["slope", dem, `${dir}/v.tif`, "-v"], { env: { DEMGRAD_NATIVE: "js" } });
    assert.match(js.stderr, /^demgrad: note: JavaScript kernels \(DEMGRAD_NATIVE=js is set\)$/m);
    const quiet = demgrad(["slope", dem, `${dir}/v.tif`], { env: { DEMGRAD_NATIVE: "js" } });
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /kernels/);
  });

  test("refuse arguments they cannot use with a TypeError", () => {
    const k = addon();
    const f64 = (n) => new Float64Array(n);
    assert.throws(() => k.lerp(f64(3), f64(2), 0, 4, f64(4)), TypeError, "lengths");
    assert.throws(() => k.lerp(f64(2), new Float64Array([0, 8]), 0, 9, f64(4)), TypeError, "out too short");
    assert.throws(() => k.lerp(f64(2), new Float64Array([8, 0]), 0, 4, f64(4)), TypeError, "descending");
    assert.throws(() => k.lerp(f64(2), new Float64Array([2, 8]), 0, 4, f64(4)), TypeError, "starts after x0");
    assert.throws(() => k.lerp([0, 1], new Float64Array([0, 8]), 0, 4, f64(4)), TypeError, "plain array");
    assert.throws(() => k.slope(f64(4), f64(3), new Float32Array(4), 0, false), TypeError);
    assert.throws(() => k.slope(f64(4), f64(4), f64(4), 0, false), TypeError);
    assert.throws(() => k.float32Predict(new Uint32Array(10), 4, 2, 4, new Uint8Array(64)), TypeError);
    const ok = [f64(12), 4, 4, f64(3), false, f64(4), f64(4), f64(8), f64(8), 0, 1, -1, new Int32Array(4)];
    assert.equal(k.gradientInterior(...ok), 0);
    assert.throws(() => k.gradientInterior(...ok.slice(0, 12), new Int32Array(2)), TypeError, "exceptions");
    assert.throws(() => k.gradientInterior(f64(11), ...ok.slice(1)), TypeError, "data");
    assert.throws(() => k.gradientInterior(...ok, [f64(4), f64(4), f64(4)]), TypeError, "frame");
    assert.throws(() => k.gradientInterior(ok[0], 0, ...ok.slice(2)), TypeError, "no row above");
    assert.throws(
      () => k.gradientInterior(...ok.slice(0, 9), 5, ...ok.slice(10)),
      TypeError,
      "output offset",
    );
  });

  test("overview rows: mean and circular mean equal the JavaScript reducer's, wrapped and odd rows included", () => {
    // Directions in range, NaN, nodata, opposite pairs, and (in the second row) ones outside [0, 360).
    const script = `
      const { RowReducer } = await import("${ROOT}dist/io/overviews.js");
      const rows = [
        [0, 359.9, 90, 270, Number.NaN, -9999, 10, 350, 180, 0.001, 45],
        [1, -30, 725, 359.99999, 5, -9999, Number.NaN, 100, 0, 359, 44.5],
        [12.5, 7, 7, 181, 3, 3, 300, 60, -9999, -9999, 1],
      ].map((row) => Float32Array.from(row));
      const out = [];
      for (const resampling of ["mean", "circular-mean"]) {
        for (const nodata of [-9999, undefined]) {
          const reducer = new RowReducer(11, 1, resampling, nodata, Float32Array);
          for (const row of rows) {
            const reduced = reducer.push([row]);
            if (reduced) out.push(Array.from(reduced[0]));
          }
          out.push(Array.from(reducer.flush()[0]));
        }
      }
      console.log(JSON.stringify(out));`;
    const run = (mode) => {
      const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
        env: { ...process.env, DEMGRAD_NATIVE: mode },
      });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout.replaceAll("null", '"NaN"'));
    };
    const native = run("");
    assert.equal(native.length, 8);
    assert.deepEqual(native, run("js"));
  });

  test("lerp: v0 + slope·(c − c0) along each segment, from x0 on", () => {
    const cols = new Float64Array([0, 64, 128, 150]);
    const values = new Float64Array([30.1, 30.7, 29.9, 31.3]);
    for (const [x0, count] of [
      [0, 151],
      [10, 100],
      [64, 64],
      [70, 200],
    ]) {
      const out = new Float64Array(count);
      addon().lerp(values, cols, x0, count, out);
      for (let c = x0; c < x0 + count; c++) {
        const i = Math.max(
          0,
          Math.min(
            cols.length - 2,
            [...cols].findLastIndex((v) => v <= c),
          ),
        );
        const slope = (values[i + 1] - values[i]) / (cols[i + 1] - cols[i]);
        assert.equal(out[c - x0], values[i] + slope * (c - cols[i]), `x0 ${x0}, column ${c}`);
      }
    }
  });

  describe("equal the JavaScript kernels byte for byte", () => {
    test("colour relief and relief: ramps, a colour file with nodata and percentages, every selection", async () => {
      await hostile;
      const table = `${dir}/colours.txt`;
      writeFileSync(
        table,
        "nv 0 0 0 0\n0% 20 60 20\n1000 90 140 60 200\n35% 200 180 120\n2500 255 255 255\n",
      );
      const colour = [
        ["--color-relief", "colour.tif"],
        ["--relief", "relief.tif"],
      ];
      for (const dem of [`${ROOT}samples/alps-utm32.tif`, `${dir}/hostile.tif`]) {
        assertSame(dem, colour, [...PLAIN, "--ramp", "terrain"]);
        for (const selection of [[], ["--exact-color"], ["--nearest-color"]])
          assertSame(dem, colour, [...PLAIN, "--color-file", table, "--alpha", ...selection]);
      }
    });

    test("bundled DEMs (UTM and geographic), every derivative method, DEFLATE tiles through the predictor", () => {
      for (const dem of ["alps-utm32.tif", "alps-wgs84.tif"].map((name) => `${ROOT}samples/${name}`)) {
        assertSame(dem, PRODUCTS, PLAIN);
        assertSame(dem, PRODUCTS, [...PLAIN, "--edge-order", "2"]);
        assertSame(dem, PRODUCTS.slice(0, 2), [...PLAIN, "--method", "horn"]);
        assertSame(dem, PRODUCTS.slice(0, 2), [...PLAIN, "--method", "zevenbergen-thorne"]);
        assertSame(dem, [["--slope", "slope-percent.tif"]], [...PLAIN, "--unit", "percent"]);
        assertSame(dem, PRODUCTS, ["--overview-levels", "3"]);
        assertSame(dem, NEIGHBOURHOOD, PLAIN);
        assertSame(dem, NEIGHBOURHOOD, [...PLAIN, "--tri-method", "wilson"]);
        assertSame(dem, NEIGHBOURHOOD, [...PLAIN, "--compat", "gdaldem"]);
      }
    });

    const real = [
      "N43E006.tiff",
      "N43E006_3857.tiff",
      "inldata_dem.tif",
      "dem-hills.tiff",
      "storml_elev.tif",
    ];
    test("real samples: geographic, Web Mercator, UTM, nodata holes", { skip: missing(...real) }, () => {
      for (const name of real) {
        assertSame(sample(name), PRODUCTS, PLAIN);
        assertSame(sample(name), PRODUCTS, []);
        assertSame(sample(name), NEIGHBOURHOOD, PLAIN);
      }
    });

    describe("a hostile DEM on a rotated grid", () => {
      const path = `${dir}/hostile.tif`;
      before(() => hostile);

      for (const extra of [[], ["--edge-order", "2"], ["--method", "horn"], ["--unit", "percent"]]) {
        test(`options: ${extra.join(" ") || "defaults"}`, () => {
          assertSame(path, PRODUCTS, [...PLAIN, ...extra]);
        });
      }
      test("Cloud Optimized GeoTIFFs: overview means and circular means without NaN cells, DEFLATE through the predictor", () => {
        assertSame(path, PRODUCTS, ["--overview-levels", "2"]);
      });
      for (const extra of [
        [],
        ["--tri-method", "wilson"],
        ["--compat", "gdaldem"],
        ["--compat", "gdaldem", "--compute-edges"],
      ]) {
        test(`TRI, TPI, roughness: ${extra.join(" ") || "defaults"}`, () => {
          assertSame(path, NEIGHBOURHOOD, [...PLAIN, ...extra]);
        });
      }
    });
  });
});
