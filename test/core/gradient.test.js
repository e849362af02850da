// The gradient core against numpy.gradient goldens (test/golden/make-gradient-golden.py): bit for bit.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
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

// A spacing entry is a number, coordinates { coords, dtype }, or (error cases) a raw value passed as is.
function spacing(s) {
  if (s === undefined || typeof s === "number") return s;
  const one = (e) => (e?.coords ? (ARRAYS[e.dtype] ?? Float64Array).from(e.coords) : e);
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
        () => gradient(c.input ?? { data: Float64Array.from(c.data), shape: c.shape }, options),
        (e) => e.constructor.name === c.error && e.message.includes(c.message),
        `expected ${c.error} containing "${c.message}"`,
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

test("int16 extremes are converted before subtracting: no overflow", () => {
  const [d] = gradient(Int16Array.from([-32768, 32767, -32768]));
  assert.ok(d.data instanceof Float64Array);
  assert.deepEqual([...d.data], [65535, 0, -65535]);
});

test("a flat number array is 1-D; one axis still gives an array of one result", () => {
  const results = gradient([1, 4, 9, 16], { axis: -1, spacing: 0.5 });
  assert.equal(results.length, 1);
  assert.deepEqual(results[0].shape, [4]);
  assert.deepEqual([...results[0].data], [6, 8, 12, 14]);
});

test("0-d input and an empty axis list give no results", () => {
  assert.deepEqual(gradient({ data: [7], shape: [] }), []);
  assert.deepEqual(
    gradient(
      [
        [1, 2],
        [3, 4],
      ],
      { axis: [] },
    ),
    [],
  );
});

test("the input is not modified", () => {
  const data = Float64Array.from([1, 2, 4, 8]);
  gradient({ data, shape: [2, 2] }, { edgeOrder: 1 });
  assert.deepEqual([...data], [1, 2, 4, 8]);
});

const NUMPY = spawnSync("/usr/bin/python3", ["-c", "import numpy"]).status === 0;

test("a one-element spacing list with a number is that step on every axis, as np.gradient(f, h)", {
  skip: !NUMPY && "needs numpy under /usr/bin/python3 for the reference",
}, () => {
  const f2 = Array.from({ length: 4 * 5 }, (_, i) => Math.sin(i * 0.7) * 100 + i * i * 0.3);
  const f3 = Array.from({ length: 3 * 4 * 5 }, (_, i) => Math.cos(i * 0.37) * 50 + i * 0.1);
  // numpy is given the list as arguments (np.gradient(f, *spacing)), exactly what `spacing: [1.5]` means.
  const cases = [
    { data: f2, shape: [4, 5], spacing: [1.5], edgeOrder: 1 },
    { data: f2, shape: [4, 5], spacing: [1.5], edgeOrder: 2 },
    { data: f3, shape: [3, 4, 5], spacing: [0.25], axis: [2, 0], edgeOrder: 2 },
    // One coordinate array: fine for one selected axis, an error for two (numpy: invalid number of arguments).
    { data: f2, shape: [4, 5], spacing: [[0, 1, 3, 3.5]], axis: 0, edgeOrder: 1 },
    { data: f2, shape: [4, 5], spacing: [[0, 1, 3, 3.5, 4]], edgeOrder: 1 },
  ];
  const script = `
import json, sys, numpy as np
out = []
for c in json.load(sys.stdin):
    f = np.array(c["data"], dtype=np.float64).reshape(c["shape"])
    axis = tuple(c["axis"]) if isinstance(c.get("axis"), list) else c.get("axis")
    try:
        r = np.gradient(f, *c["spacing"], axis=axis, edge_order=c["edgeOrder"])
        r = r if isinstance(r, (list, tuple)) else [r]
        out.append([a.astype("<f8").tobytes().hex() for a in r])
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))`;
  const run = spawnSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify(cases),
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const reference = JSON.parse(run.stdout);
  cases.forEach((c, n) => {
    const options = { spacing: c.spacing, axis: c.axis, edgeOrder: c.edgeOrder };
    const f = { data: Float64Array.from(c.data), shape: c.shape };
    if (typeof reference[n] === "string") {
      assert.equal(reference[n], "TypeError");
      assert.throws(() => gradient(f, options), /invalid number of spacing entries/);
      return;
    }
    const results = gradient(f, options);
    assert.equal(results.length, reference[n].length, `case ${n}`);
    results.forEach((result, k) => {
      const want = decode(reference[n][k].match(/.{16}/g), "float64");
      for (let i = 0; i < want.length; i++) {
        assert.ok(
          Object.is(result.data[i], want[i]),
          `case ${n} result ${k}[${i}]: ${result.data[i]} vs ${want[i]}`,
        );
      }
    });
  });
});
