// The kernels against gdaldem itself (GDAL's reference implementation): small DEMs written as ENVI raw + .hdr with
// map info, gdaldem run with -of ENVI (raw float32/byte output, exact), and our kernels fed the same elevations with
// the same nominal spacing. Slope and aspect within 1e-3°, hillshade within 1 grey level on at most 0.1 % of pixels,
// identical nodata masks; without edges (classic gdaldem) and with -compute_edges vs edges=true (away from the four
// corners, where gdaldem halves dz/dx and we extrapolate properly).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { aspect } from "../../dist/terrain/aspect.js";
import { hillshade } from "../../dist/terrain/hillshade.js";
import { slope } from "../../dist/terrain/slope.js";
import { derivativesInStrips, uniformSpacing } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "demgrad-gdaldem-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const [W, H] = [23, 17];
const FLOAT_NODATA = -9999;
/** gdaldem's files hold −9999 where slope and aspect are undefined; the library gives NaN unless asked. */
const AS_FILES = { nodata: FLOAT_NODATA };
const INT_NODATA = -32768;

/** Deterministic random-walk Float32 DEM and an Int16 cone, each with a nodata hole and a nodata corner. */
function dems() {
  let s = 7;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const walk = new Float32Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const left = c > 0 ? walk[r * W + c - 1] : 500;
      const up = r > 0 ? walk[(r - 1) * W + c] : 500;
      walk[r * W + c] = (left + up) / 2 + 6 * rand() + 0.8 * c;
    }
  }
  const cone = new Int16Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) cone[r * W + c] = Math.round(300 - 12 * Math.hypot(c - 11, r - 8));
  }
  const holes = (z, nodata) => {
    for (let r = 5; r < 8; r++) for (let c = 14; c < 18; c++) z[r * W + c] = nodata;
    z[0] = nodata;
    z[12 * W + 4] = nodata;
  };
  holes(walk, FLOAT_NODATA);
  holes(cone, INT_NODATA);
  return [
    { name: "float32 random walk", z: walk, envi: 4, nodata: FLOAT_NODATA },
    { name: "int16 cone", z: cone, envi: 2, nodata: INT_NODATA },
  ];
}

/** ENVI raw + header with UTM map info (pixel size hx × hy metres, north-up). */
function writeEnvi(path, dem, hx, hy) {
  writeFileSync(path, Buffer.from(dem.z.buffer, dem.z.byteOffset, dem.z.byteLength));
  writeFileSync(
    path.replace(/\.dat$/, ".hdr"),
    [
      "ENVI",
      `samples = ${W}`,
      `lines = ${H}`,
      "bands = 1",
      "header offset = 0",
      "file type = ENVI Standard",
      `data type = ${dem.envi}`,
      "interleave = bsq",
      "byte order = 0",
      `map info = {UTM, 1, 1, 500000, 4000000, ${hx}, ${hy}, 17, North, WGS-84}`,
      `data ignore value = ${dem.nodata}`,
      "",
    ].join("\n"),
  );
}

let runs = 0;
/** Runs gdaldem and returns its raw output (Float32Array, or Uint8Array for hillshade). */
function gdaldem(product, input, args) {
  const out = join(dir, `out${runs++}.dat`);
  execFileSync("gdaldem", [product, input, out, "-of", "ENVI", "-q", ...args]);
  const bytes = readFileSync(out);
  return product === "hillshade"
    ? new Uint8Array(bytes)
    : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const corners = new Set([0, W - 1, (H - 1) * W, H * W - 1]);
const circular = (a, b) => Math.abs(((a - b + 540) % 360) - 180);

/** Same nodata mask, values within `tol` (`diff` measures the distance); corners skipped with edges. */
function compareFloat(ours, theirs, nodata, tol, what, edges, diff = (a, b) => Math.abs(a - b)) {
  for (let i = 0; i < ours.length; i++) {
    if (edges && corners.has(i)) continue;
    assert.equal(
      ours[i] === nodata,
      theirs[i] === nodata,
      `${what}: nodata mask at ${i} (${ours[i]} vs ${theirs[i]})`,
    );
    if (ours[i] !== nodata)
      assert.ok(diff(ours[i], theirs[i]) <= tol, `${what}: cell ${i} ${ours[i]} vs ${theirs[i]}`);
  }
}

const shade = { pixels: 0, offByOne: 0 };
function compareShade(ours, theirs, what, edges) {
  for (let i = 0; i < ours.length; i++) {
    if (edges && corners.has(i)) continue;
    assert.equal(ours[i] === 0, theirs[i] === 0, `${what}: nodata mask at ${i} (${ours[i]} vs ${theirs[i]})`);
    const d = Math.abs(ours[i] - theirs[i]);
    assert.ok(d <= 1, `${what}: cell ${i} ${ours[i]} vs ${theirs[i]}`);
    shade.pixels++;
    if (d === 1) shade.offByOne++;
  }
}

/** Our derivatives of the DEM times `zFactor`, gdaldem's nominal spacing, north-up. */
function ourGradient(dem, method, edges, hx, hy, zFactor = 1) {
  const z = Float64Array.from(dem.z, (v) => (v === dem.nodata ? Number.NaN : v * zFactor));
  const options = { method, edgeOrder: 1, edges, spacing: uniformSpacing(W, H, hx, hy), xSign: 1, ySign: -1 };
  return derivativesInStrips(z, W, H, options, 5);
}

const HILLSHADES = [
  ["regular", [], {}],
  ["combined", ["-combined"], { variant: "combined" }],
  ["multidirectional", ["-multidirectional"], { variant: "multidirectional" }],
  ["igor", ["-igor"], { variant: "igor" }],
];

for (const dem of dems()) {
  for (const [method, alg] of [
    ["horn", []],
    ["zevenbergen-thorne", ["-alg", "ZevenbergenThorne"]],
  ]) {
    test(`gdaldem parity, ${dem.name}, ${method}: slope, aspect and hillshade with and without edges`, () => {
      const input = join(dir, `${dem.envi}.dat`);
      writeEnvi(input, dem, 10, 10);
      for (const edges of [false, true]) {
        const g = (product, args) =>
          gdaldem(product, input, [...alg, ...(edges ? ["-compute_edges"] : []), ...args]);
        const grad = ourGradient(dem, method, edges, 10, 10);
        const what = (product) => `${dem.name} ${method} edges ${edges} ${product}`;
        compareFloat(slope(grad, AS_FILES), g("slope", []), FLOAT_NODATA, 1e-3, what("slope"), edges);
        compareFloat(
          slope(grad, { ...AS_FILES, unit: "percent" }),
          g("slope", ["-p"]),
          FLOAT_NODATA,
          1e-3,
          what("-p"),
          edges,
        );
        compareFloat(
          aspect(grad, AS_FILES),
          g("aspect", []),
          FLOAT_NODATA,
          1e-3,
          what("aspect"),
          edges,
          circular,
        );
        const trig = aspect(grad, { ...AS_FILES, trigonometric: true });
        compareFloat(
          trig,
          g("aspect", ["-trigonometric"]),
          FLOAT_NODATA,
          1e-3,
          what("-trig"),
          edges,
          circular,
        );
        // gdaldem -zero_for_flat writes 0 (and sets no nodata) for flat cells, the border and nodata windows alike.
        const zero = aspect(grad, { ...AS_FILES, zeroForFlat: true });
        const theirs = g("aspect", ["-zero_for_flat"]);
        for (let i = 0; i < zero.length; i++) {
          if (edges && corners.has(i)) continue;
          const expected = zero[i] === FLOAT_NODATA ? 0 : zero[i];
          assert.ok(circular(expected, theirs[i]) <= 1e-3, `${what("-zero_for_flat")}: cell ${i}`);
        }
        for (const [variant, args, options] of HILLSHADES) {
          compareShade(hillshade(grad, options), g("hillshade", args), what(variant), edges);
        }
        const lifted = ourGradient(dem, method, edges, 10, 10, 3);
        const custom = hillshade(lifted, { azimuth: 90, altitude: 30 });
        compareShade(
          custom,
          g("hillshade", ["-az", "90", "-alt", "30", "-z", "3"]),
          what("-az 90 -alt 30 -z 3"),
          edges,
        );
      }
    });
  }
}

test("gdaldem parity on 10 m × 12 m pixels: slope and hillshade use both sizes; igor's image-space aspect", () => {
  const [dem] = dems();
  const input = join(dir, "rect.dat");
  writeEnvi(input, dem, 10, 12);
  const grad = ourGradient(dem, "horn", false, 10, 12);
  compareFloat(slope(grad, AS_FILES), gdaldem("slope", input, []), FLOAT_NODATA, 1e-3, "10×12 slope", false);
  compareShade(hillshade(grad), gdaldem("hillshade", input, []), "10×12 hillshade", false);
  const igor = hillshade(grad, { variant: "igor", pixelAspect: 12 / 10 });
  compareShade(igor, gdaldem("hillshade", input, ["-igor"]), "10×12 igor", false);
});

test("hillshade: at most 0.1 % of all compared pixels off by one grey level (gdaldem's rsqrt rounding)", () => {
  assert.ok(shade.pixels > 10000, `${shade.pixels} pixels compared`);
  assert.ok(shade.offByOne <= shade.pixels / 1000, `${shade.offByOne} of ${shade.pixels} off by one`);
});
