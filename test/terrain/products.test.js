// Slope, aspect and hillshade conventions (DESIGN §2) on hand-made gradients, and their option validation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../../dist/errors.js";
import { aspect, validateAspectOptions } from "../../dist/terrain/aspect.js";
import { hillshade, validateHillshadeOptions } from "../../dist/terrain/hillshade.js";
import { slope, validateSlopeOptions } from "../../dist/terrain/slope.js";

const usage = (message) => (e) => e instanceof UsageError && e.message === message;

test("slope in degrees and percent; NaN (or the nodata asked for) where the gradient is undefined", () => {
  const grad = { dzdx: [0.3, 0, Number.NaN, 1], dzdy: [0.4, 0, 1, Number.NaN] };
  const deg = slope(grad);
  assert.equal(deg[0], Math.fround((Math.atan(0.5) * 180) / Math.PI));
  assert.deepEqual([...deg.slice(1)], [0, Number.NaN, Number.NaN]);
  assert.deepEqual([...slope(grad, { unit: "percent", nodata: -1 })], [50, 0, -1, -1]);
});

test("gdaldem's measured plane (dz/dx 0.3, dz/dy 0.2): slope 19.827°, aspect 236.310°, hillshade 182", () => {
  const grad = { dzdx: [0.3], dzdy: [0.2] };
  assert.ok(Math.abs(slope(grad)[0] - 19.827) < 5e-4);
  assert.ok(Math.abs(aspect(grad)[0] - 236.31) < 5e-4);
  assert.equal(hillshade(grad)[0], 182);
});

test("aspect faces downhill, clockwise from north; trigonometric, flat and true-north variants", () => {
  // Rising to the east faces west; rising to the north faces south.
  const grad = { dzdx: [1, 0, -1, 0, 0, 1, Number.NaN], dzdy: [0, 1, 0, -1, 0, 1, 0] };
  assert.deepEqual([...aspect(grad)], [270, 180, 90, 0, Number.NaN, 225, Number.NaN]);
  assert.ok(Object.is(aspect(grad)[3], 0), "due north is +0, not −0");
  assert.deepEqual(
    [...aspect(grad, { trigonometric: true, nodata: -9999 })],
    [180, 270, 0, 90, -9999, 225, -9999],
  );
  assert.deepEqual([...aspect(grad, { zeroForFlat: true, nodata: -1 })], [270, 180, 90, 0, 0, 225, -1]);
  // Grid north 3° east of true north: a bearing measured on the grid grows by 3° (and wraps past 360).
  const bearing = new Float64Array(7).fill((3 * Math.PI) / 180);
  const trueNorth = aspect(grad, { northBearing: bearing });
  assert.ok(Math.abs(trueNorth[0] - 273) < 1e-4 && Math.abs(trueNorth[3] - 3) < 1e-4);
  // Trigonometric angles turn the other way: east-facing is 0 on the grid, −3° → 357 from true east.
  const trig = aspect(grad, { northBearing: bearing, trigonometric: true });
  assert.ok(Math.abs(trig[2] - 357) < 1e-4 && Math.abs(trig[1] - 267) < 1e-4, `${trig}`);
  // A bearing of −3° moves a north-facing slope to 357.
  const west = aspect({ dzdx: [0], dzdy: [-1] }, { northBearing: [(-3 * Math.PI) / 180] });
  assert.ok(Math.abs(west[0] - 357) < 1e-4);
  // Just west of north rounds to 360 in float32: reported as 0, never 360.
  assert.equal(aspect({ dzdx: [1e-12], dzdy: [-1] })[0], 0);
});

test("hillshade: flat is 1 + 254·sin(altitude), nodata is 0, slopes facing the light are brighter", () => {
  const grad = { dzdx: [0, Number.NaN, 0.5, -0.5], dzdy: [0, 0, 0, 0] };
  const shade = hillshade(grad);
  assert.deepEqual([shade[0], shade[1]], [181, 0]);
  // Light from the north-west (315°): a slope rising to the east faces west and is lit.
  assert.ok(shade[2] > shade[0] && shade[3] < shade[0]);
  const flat = { dzdx: [0], dzdy: [0] };
  assert.equal(hillshade(flat, { variant: "multidirectional" })[0], 181);
  assert.equal(hillshade(flat, { variant: "combined" })[0], 255);
  assert.equal(hillshade(flat, { variant: "igor" })[0], 255);
  assert.equal(hillshade(flat, { altitude: 90 })[0], 255);
  for (const variant of ["regular", "combined", "multidirectional", "igor"]) {
    assert.equal(hillshade({ dzdx: [Number.NaN], dzdy: [0] }, { variant })[0], 0, variant);
  }
  // Light from the east (90°) lights a slope rising to the west; azimuth is taken mod 360.
  const eastFacing = { dzdx: [-0.5], dzdy: [0] };
  assert.ok(hillshade(eastFacing, { azimuth: 90 })[0] > 181);
  assert.deepEqual(hillshade(grad, { azimuth: -270 }), hillshade(grad, { azimuth: 90 }));
  // multidirectional ignores the azimuth, igor the altitude (gdaldem's exclusions, accepted and ignored here).
  const rough = { dzdx: [0.3, -0.7, 0.1], dzdy: [0.2, 0.4, -0.9] };
  const md = (azimuth) => hillshade(rough, { variant: "multidirectional", azimuth });
  assert.deepEqual(md(0), md(123));
  const ig = (altitude) => hillshade(rough, { variant: "igor", altitude });
  assert.deepEqual(ig(10), ig(80));
});

test("option validation: defaults, normalised azimuth, and one kind of message for bad values", () => {
  assert.deepEqual(validateSlopeOptions(), { unit: "degree", nodata: Number.NaN });
  assert.deepEqual(validateAspectOptions({ trigonometric: "true" }), {
    trigonometric: true,
    zeroForFlat: false,
    nodata: Number.NaN,
    northBearing: undefined,
  });
  assert.deepEqual(validateHillshadeOptions({ azimuth: -45, altitude: "30" }), {
    azimuth: 315,
    altitude: 30,
    variant: "regular",
    pixelAspect: 1,
  });
  assert.equal(validateHillshadeOptions({ azimuth: 720 }).azimuth, 0);
  assert.throws(
    () => hillshade({ dzdx: [0], dzdy: [0] }, { altitude: 95 }),
    usage("Expected number greater than 0 and at most 90 for altitude but received 95"),
  );
  // gdaldem's newer parser rejects altitude ≤ 0.
  assert.throws(
    () => validateHillshadeOptions({ altitude: 0 }),
    usage("Expected number greater than 0 and at most 90 for altitude but received 0"),
  );
  assert.throws(
    () => validateHillshadeOptions({ azimuth: Number.POSITIVE_INFINITY }),
    usage("Expected number for azimuth but received Infinity"),
  );
  assert.throws(
    () => hillshade({ dzdx: [0], dzdy: [0] }, { variant: "fancy" }),
    usage('Expected one of regular, combined, multidirectional, igor for variant but received "fancy"'),
  );
  assert.throws(
    () => slope({ dzdx: [0], dzdy: [0] }, { unit: "grad" }),
    usage('Expected one of degree, percent for unit but received "grad"'),
  );
  assert.throws(
    () => slope({ dzdx: [0], dzdy: [0] }, { nodata: "x" }),
    usage('Expected number for nodata but received "x"'),
  );
  assert.throws(
    () => aspect({ dzdx: [0], dzdy: [0] }, { zeroForFlat: "yes" }),
    usage('Expected boolean for zeroForFlat but received "yes"'),
  );
  assert.throws(
    () => aspect({ dzdx: [0, 1], dzdy: [0, 1] }, { northBearing: [0] }),
    usage("Expected an array of at least 2 bearings for northBearing but received an array"),
  );
});

test("out: each product fills the caller's array (every cell, so a reused buffer keeps nothing old)", () => {
  const grad = { dzdx: [0.3, Number.NaN, 0, -1], dzdy: [0.4, 0, 0, 2] };
  const kernels = [
    [slope, Float32Array],
    [aspect, Float32Array],
    [hillshade, Uint8Array],
  ];
  for (const [kernel, Type] of kernels) {
    const out = new Type(4).fill(7);
    assert.equal(kernel(grad, {}, out), out, `${kernel.name} returns the array it was given`);
    assert.deepEqual(Array.from(out), Array.from(kernel(grad)), `${kernel.name} fills every cell`);
    assert.throws(
      () => kernel(grad, {}, new Type(3)),
      (e) =>
        e instanceof UsageError &&
        e.message === `Expected ${Type.name} of length 4 for out but received ${Type.name} of length 3`,
    );
    const Other = Type === Uint8Array ? Float32Array : Uint8Array;
    assert.throws(() => kernel(grad, {}, new Other(4)), UsageError);
  }
});

test("slope's arctangent equals Math.atan to the last float32 bit over the whole range of gradients", () => {
  // atanOfNonNegative is Cephes' rational approximation; slopes are stored as float32 degrees.
  const norms = [
    0,
    1e-12,
    1e-6,
    0.001,
    0.3,
    0.41421356,
    0.66,
    0.6600001,
    1,
    2.4142135,
    2.5,
    10,
    1e3,
    1e9,
    Infinity,
  ];
  for (let i = 0; i < 200_000; i++) norms.push(Math.exp(i * 1e-4 - 10));
  const dzdx = Float64Array.from(norms);
  const got = slope({ dzdx, dzdy: new Float64Array(norms.length) });
  for (let i = 0; i < norms.length; i++) {
    assert.equal(got[i], Math.fround((Math.atan(norms[i]) * 180) / Math.PI), `gradient ${norms[i]}`);
  }
});

test("aspect's arctangent equals Math.atan2 to the last float32 bit in every direction, signed zeros included", () => {
  const dzdx = [0, -0, 0, -0, 1, -1, 1e-300, -1e-300];
  const dzdy = [1, 1, -1, -1, -0, 0, 1, -1];
  for (let i = 0; i < 300_000; i++) {
    const t = (i * 2 * Math.PI) / 300_000 + 1e-7;
    const r = Math.exp((i % 89) / 8 - 5);
    dzdx.push(r * Math.sin(t));
    dzdy.push(r * Math.cos(t));
  }
  const got = aspect({ dzdx: Float64Array.from(dzdx), dzdy: Float64Array.from(dzdy) });
  for (let i = 0; i < dzdx.length; i++) {
    // The definition: compass bearing of the downhill direction, in [0, 360).
    let a = (Math.atan2(-dzdx[i], -dzdy[i]) * 180) / Math.PI;
    if (a < 0) a += 360;
    const f = Math.fround(a);
    assert.equal(got[i], f >= 360 ? 0 : f + 0, `gradient (${dzdx[i]}, ${dzdy[i]})`);
  }
});

test("validate.ts states each bound as it is: inclusive, exclusive, one-sided", async () => {
  const { number, integer } = await import("../../dist/validate.js");
  const cases = [
    [{ min: 0, max: 90 }, -1, "number between 0 and 90"],
    [{ min: 0, max: 90, exclusiveMin: true }, 0, "number greater than 0 and at most 90"],
    [{ min: 0, max: 90, exclusiveMax: true }, 90, "number of at least 0 and less than 90"],
    [{ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }, 1, "number greater than 0 and less than 1"],
    [{ min: 0, exclusiveMin: true }, 0, "number greater than 0"],
    [{ min: 2 }, 1, "number of at least 2"],
    [{ max: 2 }, 3, "number of at most 2"],
    [{ max: 2, exclusiveMax: true }, 2, "number less than 2"],
  ];
  for (const [range, value, expected] of cases) {
    assert.throws(
      () => number("x", value, range),
      usage(`Expected ${expected} for x but received ${value}`),
      JSON.stringify(range),
    );
  }
  // Values on an inclusive bound pass.
  assert.equal(number("x", 90, { min: 0, max: 90, exclusiveMin: true }), 90);
  assert.equal(number("x", 0, { min: 0, max: 90, exclusiveMax: true }), 0);
  assert.throws(
    () => integer("n", 9, { max: 8 }),
    usage("Expected integer of at most 8 for n but received 9"),
  );
});

test("slope, aspect and hillshade check their gradient argument and say what is wrong", () => {
  const cases = [
    [
      { dzdx: [0.1, 0.2], dzdy: [0.3] },
      "Expected dzdx and dzdy of equal length for gradient but received lengths 2 and 1",
    ],
    ["abc", 'Expected an object { dzdx, dzdy } for gradient but received "abc"'],
    [undefined, "Expected an object { dzdx, dzdy } for gradient but received undefined"],
    [{ dzdx: [0] }, "Expected an array of numbers for gradient.dzdy but received undefined"],
    [{ dzdx: "ab", dzdy: [0, 0] }, 'Expected an array of numbers for gradient.dzdx but received "ab"'],
  ];
  for (const product of [slope, aspect, hillshade]) {
    for (const [grad, message] of cases) {
      assert.throws(() => product(grad), usage(message), `${product.name}(${JSON.stringify(grad)})`);
    }
    // Typed and plain arrays of one length pass.
    assert.equal(product({ dzdx: new Float64Array(2), dzdy: [0, 0] }).length, 2);
  }
});
