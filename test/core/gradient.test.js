// The gradient core against numpy.gradient goldens (test/golden/make-gradient-golden.py): bit for bit.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gradient } from "../../dist/index.js";

const golden = JSON.parse(readFileSync(new URL("../golden/gradient-golden.json", import.meta.url), "utf8"));

const ARRAYS = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: Float64Array,
};

function decode(hexes, dtype) {
  const size = dtype === "float32" ? 4 : 8;
  const view = new DataView(new ArrayBuffer(size));
  return hexes.map((hex) => {
    for (let i = 0; i < size; i++) view.setUint8(i, Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    return size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
  });
}

function input(c) {
  const values = typeof c.data[0] === "string" ? decode(c.data, c.dtype) : c.data;
  return { data: ARRAYS[c.dtype].from(values), shape: c.shape };
}

function spacing(s) {
  if (s === undefined || typeof s === "number") return s;
  const one = (e) => (typeof e === "number" ? e : (ARRAYS[e.dtype] ?? Float64Array).from(e.coords));
  return Array.isArray(s) ? s.map(one) : [one(s)];
}

test(`golden file holds at least 150 cases (has ${golden.cases.length}, numpy ${golden.numpy})`, () => {
  assert.ok(golden.cases.length >= 150);
  assert.ok(golden.cases.filter((c) => c.name.startsWith("numpy ")).length >= 30);
});

for (const c of golden.cases) {
  test(c.name, () => {
    const options = { spacing: spacing(c.spacing), axis: c.axis, edgeOrder: c.edgeOrder };
    if (c.error) {
      assert.throws(
        () => gradient({ data: Float64Array.from(c.data), shape: c.shape }, options),
        (e) => e.constructor.name === c.error && e.message.includes(c.message),
      );
      return;
    }
    const results = gradient(input(c), options);
    assert.equal(results.length, c.results.length);
    results.forEach((result, k) => {
      const expected = c.results[k];
      assert.deepEqual(result.shape, expected.shape);
      assert.equal(
        result.data.constructor.name,
        expected.dtype === "float32" ? "Float32Array" : "Float64Array",
      );
      const want = decode(expected.bits, expected.dtype);
      for (let i = 0; i < want.length; i++) {
        assert.ok(
          Object.is(result.data[i], want[i]),
          `result ${k}[${i}]: ${result.data[i]} vs numpy ${want[i]}`,
        );
      }
    });
  });
}

test("nested arrays and a plane: exact slopes everywhere", () => {
  const f = [];
  for (let y = 0; y < 4; y++) f.push([0, 1, 2, 3, 4].map((x) => 3 * x + 2 * y));
  const [dy, dx] = gradient(f, { edgeOrder: 2 });
  assert.ok(dx.data.every((v) => v === 3));
  assert.ok(dy.data.every((v) => v === 2));
  assert.deepEqual(dx.shape, [4, 5]);
});

test("ragged nested arrays and mismatched shapes are TypeErrors", () => {
  assert.throws(() => gradient([[1, 2], [3]]), TypeError);
  assert.throws(() => gradient({ data: [1, 2, 3], shape: [2, 2] }), TypeError);
  assert.throws(() => gradient({ data: ["a", "b"], shape: [2] }), TypeError);
});
