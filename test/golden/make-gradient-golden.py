#!/usr/bin/env python3
"""Regenerates test/golden/gradient-golden.json from numpy.gradient (run: python3 test/golden/make-gradient-golden.py).

Each case records the input (dtype, shape, values), the arguments, and numpy's results as IEEE bit patterns (hex),
so the JavaScript test can compare bit for bit without numpy. Error cases record the error kind demgrad throws.
"""
import json
import pathlib
import struct

import numpy as np

rng = np.random.default_rng(20261124)
cases = []


def enc(a):
    a = np.asarray(a)
    if a.dtype == np.float32:
        return [struct.pack("<f", float(v)).hex() for v in a.ravel()]
    return [struct.pack("<d", float(v)).hex() for v in a.astype(np.float64).ravel()]


def add(name, f, spacing=None, axis=None, edge_order=1, coord_dtype=None):
    f = np.asarray(f)
    args = [] if spacing is None else list(spacing) if isinstance(spacing, (list, tuple)) else [spacing]
    np_args = [np.asarray(s, dtype=coord_dtype) if isinstance(s, (list, np.ndarray)) else s for s in args]
    out = np.gradient(f, *np_args, axis=axis, edge_order=edge_order)
    if not isinstance(out, (tuple, list)):
        out = [out]
    case = {
        "name": name,
        "dtype": str(f.dtype),
        "shape": list(f.shape),
        "data": enc(f) if f.dtype.kind == "f" else [int(v) for v in f.ravel()],
        "edgeOrder": edge_order,
        "results": [{"dtype": str(o.dtype), "shape": list(o.shape), "bits": enc(o)} for o in out],
    }
    if spacing is not None:
        case["spacing"] = [
            {"coords": [float(v) for v in np.asarray(s, dtype=np.float64)], "dtype": str(np.asarray(s, dtype=coord_dtype).dtype)}
            if isinstance(s, (list, np.ndarray)) else s
            for s in args
        ]
        if not isinstance(spacing, (list, tuple)):
            case["spacing"] = case["spacing"][0]
    if axis is not None:
        case["axis"] = list(axis) if isinstance(axis, tuple) else axis
    cases.append(case)


def add_error(name, f, error, message, spacing=None, axis=None, edge_order=1, raw_input=None):
    """An input demgrad rejects. raw_input / raw spacing entries (not lists of numbers) are passed to gradient() as is."""
    f = np.asarray(f)
    case = {"name": name, "dtype": str(f.dtype), "shape": list(f.shape), "data": [float(v) for v in f.ravel()],
            "edgeOrder": edge_order, "error": error, "message": message}
    if raw_input is not None:
        case["input"] = raw_input
    if spacing is not None:
        case["spacing"] = [{"coords": list(map(float, s))} if is_coords(s) else s for s in spacing] \
            if isinstance(spacing, tuple) else spacing
    if axis is not None:
        case["axis"] = list(axis) if isinstance(axis, tuple) else axis
    cases.append(case)


def is_coords(s):
    return isinstance(s, list) and all(isinstance(v, (int, float)) for v in s)


# --- numpy's own TestGradient cases (numpy/lib/tests/test_function_base.py) ---
v = [[1, 1], [3, 4]]
x = np.array(v)
dx = [np.array([[2., 3.], [2., 3.]]), np.array([[0., 0.], [1., 1.]])]
add("numpy test_basic int", x)
add("numpy test_basic list", np.array(v, dtype=np.float64))
f2d = np.arange(25).reshape(5, 5).astype(np.float64)
for eo in (1, 2):
    add(f"numpy test_args scalar eo{eo}", f2d, 2.0, edge_order=eo)
    add(f"numpy test_args two scalars eo{eo}", f2d, (2.0, 0.5), edge_order=eo)
    add(f"numpy test_args coords eo{eo}", f2d, ([0, 1, 3, 6, 10], [0, 2, 3, 5, 6]), edge_order=eo)
    add(f"numpy test_args mixed eo{eo}", f2d, (1.5, [0, 1, 3, 6, 10]), edge_order=eo)
    add(f"numpy test_args uniform coords eo{eo}", f2d, ([0, 2, 4, 6, 8], 2.0), edge_order=eo)
# test_second_order_accurate
xs = np.linspace(0, 1, 10)
add("numpy second_order_accurate eo1", 2 * xs ** 3 + 4 * xs ** 2 + 2 * xs, xs[1] - xs[0], edge_order=1)
add("numpy second_order_accurate eo2", 2 * xs ** 3 + 4 * xs ** 2 + 2 * xs, xs[1] - xs[0], edge_order=2)
xr = np.sort(np.random.default_rng(0).random(10))
add("numpy second_order_accurate nonuniform eo2", 2 * xr ** 3 + 4 * xr ** 2 + 2 * xr, (xr,), edge_order=2)
# test_spacing
f1 = np.array([0, 2., 3., 4., 5., 5.])
f1 = np.tile(f1, (6, 1)) + f1.reshape(-1, 1)
x_uneven = np.array([0., 0.5, 1., 3., 5., 7.])
x_even = np.arange(6.)
for eo in (1, 2):
    add(f"numpy test_spacing uneven eo{eo}", f1, (x_uneven, x_uneven), edge_order=eo)
    add(f"numpy test_spacing even eo{eo}", f1, (x_even, x_even), edge_order=eo)
    add(f"numpy test_spacing mixed eo{eo}", f1, (x_even, x_uneven), axis=(0, 1), edge_order=eo)
    add(f"numpy test_spacing mixed reversed axes eo{eo}", f1, (x_even, x_uneven), axis=(1, 0), edge_order=eo)
    add(f"numpy test_spacing axis1 eo{eo}", f1, (x_uneven,), axis=1, edge_order=eo)
# test_specific_axes
v2 = np.array([[1, 1], [3, 4]])
add("numpy specific_axes 0", v2, axis=0)
add("numpy specific_axes 1", v2, axis=1)
add("numpy specific_axes -1", v2, axis=-1)
add("numpy specific_axes (1,0)", v2, axis=(1, 0))
add("numpy specific_axes (0,1) spacings", v2, (3.0, 5.0), axis=(0, 1))
# test_inexact_dtypes / test_values
for dt in (np.float32, np.float64):
    add(f"numpy inexact {np.dtype(dt).name}", np.array([1, 2, 3], dtype=dt))
add("numpy values minimum eo1", np.array([1.0, 3.0]), edge_order=1)
add("numpy values minimum eo2", np.array([1.0, 3.0, 9.0]), edge_order=2)
# test_f_decreasing_unsigned_int and int64 extremes
add("numpy decreasing uint8", np.array([5, 4, 3, 2, 1], dtype=np.uint8))
add("numpy decreasing int8", np.array([5, 4, 3, 2, 1], dtype=np.int8))
add("numpy uint coords", np.array([5.0, 7.0, 3.0]), ([0, 1, 3],), coord_dtype=np.uint8)
add("numpy int16 extremes", np.array([-32768, 32767, -32768], dtype=np.int16))
add("numpy uint16 extremes", np.array([0, 65535, 0, 65535], dtype=np.uint16))
add("numpy int32 extremes", np.array([-2147483648, 2147483647, 0], dtype=np.int32))

# --- random cases ---
int_types = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32]
for i in range(140):
    ndim = [1, 2, 3][i % 3]
    eo = 1 + (i // 3) % 2
    shape = tuple(int(rng.integers(eo + 1, 7)) for _ in range(ndim))
    kind = i % 5
    if kind == 3:
        dt = int_types[(i // 5) % len(int_types)]
        info = np.iinfo(dt)
        f = rng.integers(max(info.min, -30000), min(info.max, 30000), size=shape, endpoint=True).astype(dt)
    elif kind == 4:
        f = (rng.standard_normal(shape) * 100).astype(np.float32)
    else:
        f = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-3, 4))
    axes = None
    if i % 4 == 1:
        axes = int(rng.integers(-ndim, ndim))
    elif i % 4 == 2 and ndim > 1:
        axes = tuple(int(a) for a in rng.permutation(ndim)[: rng.integers(1, ndim + 1)])
    sel = list(range(ndim)) if axes is None else [axes % ndim] if isinstance(axes, int) else [a % ndim for a in axes]
    mode = (i // 2) % 4
    if mode == 0:
        spacing = None
    elif mode == 1:
        spacing = float(rng.uniform(0.1, 30))
    elif mode == 2:
        spacing = tuple(np.cumsum(rng.uniform(0.2, 3, shape[a])) for a in sel)
    else:
        spacing = tuple(float(rng.uniform(0.5, 5)) if k % 2 else np.arange(shape[a]) * 0.25 for k, a in enumerate(sel))
    add(f"random {i} {np.dtype(f.dtype).name} {ndim}-D eo{eo} spacing{mode}", f, spacing, axes, eo)

# NaN / Inf, decreasing coordinates
add("nan propagates uniform", np.array([1.0, np.nan, 3.0, 4.0, 8.0]))
add("nan propagates nonuniform", np.array([1.0, np.nan, 3.0, 4.0, 8.0]), ([0, 1, 3, 4, 7],))
add("inf", np.array([1.0, np.inf, 3.0, 4.0]), edge_order=2)
add("decreasing coords", np.array([1.0, 2.0, 4.0, 8.0]), ([10, 9, 7, 6],), edge_order=2)
add("negative scalar spacing", np.array([1.0, 2.0, 4.0, 8.0]), -0.5)
add("float32 scalar spacing eo2", np.array([1, 2.5, 4, 7.25, 11], dtype=np.float32), 0.3, edge_order=2)
add("float32 uniform coords", np.array([1, 2.5, 4, 7.25], dtype=np.float32), ([0, 0.5, 1, 1.5],), edge_order=2)
add("float32 nonuniform coords", np.array([1, 2.5, 4, 7.25], dtype=np.float32), ([0, 0.5, 1.5, 1.75],), edge_order=2)
add("float32 nonuniform coords eo1", np.array([1, 2.5, 4, 7.25], dtype=np.float32), ([0, 0.5, 1.5, 1.75],))
add("non-selected empty axis", np.zeros((3, 0)), axis=0)
add("0-d input", np.array(5.0))
add("empty axis list", np.arange(6.0).reshape(2, 3), axis=())

# float32 coordinates: numpy computes the differences and weights in float32, even for float64 or integer f
x32 = np.array([0, 0.1, 0.2], dtype=np.float32)  # exactly uniform in float32: the uniform formulas
for eo in (1, 2):
    add(f"float32 uniform coords, float64 f eo{eo}", np.array([1.0, 2.5, 7.25]), (x32,), edge_order=eo)
    add(f"float32 uniform coords, float32 f eo{eo}", np.array([1.0, 2.5, 7.25], dtype=np.float32), (x32,),
        edge_order=eo)
    add(f"float32 coords, int16 f eo{eo}", np.array([-32768, 32767, 0, 5], dtype=np.int16),
        (np.array([0, 0.1, 0.35, 0.4], dtype=np.float32),), edge_order=eo)
for i in range(24):
    ndim = 1 + i % 2
    eo = 1 + (i // 2) % 2
    dt = [np.float64, np.float32, np.int16][(i // 4) % 3]
    shape = tuple(int(rng.integers(eo + 1, 7)) for _ in range(ndim))
    f = (rng.standard_normal(shape) * 100).astype(dt)
    coords = tuple(np.cumsum(rng.uniform(0.05, 2, n)).astype(np.float32) for n in shape)
    add(f"random float32 coords {i} {np.dtype(dt).name} {ndim}-D eo{eo}", f, coords, edge_order=eo)

# --- errors (demgrad's kinds; numpy raises AxisError/ValueError/TypeError/IndexError) ---
z = np.zeros((3, 3))
z2 = np.zeros((3, 4))
add_error("axis out of range", z2, "RangeError", "axis 3 is out of bounds for array of dimension 2", axis=3)
add_error("axis out of range in a list", z2, "RangeError", "axis 2 is out of bounds", axis=(0, 2))
add_error("axis not an integer", z2, "TypeError", "axis must be an integer", axis=1.5)
add_error("negative axis out of range", z, "RangeError", "out of bounds", axis=-3)
add_error("repeated axis", z, "RangeError", "repeated axis", axis=(0, 0))
add_error("repeated axis after normalising", z, "RangeError", "repeated axis", axis=(1, -1))
add_error("wrong number of spacings", z, "TypeError", "invalid number of spacing", spacing=(1.0, 2.0, 3.0))
add_error("one array for 2-D", z, "TypeError", "invalid number of spacing", spacing=([0, 1, 2],))
add_error("coordinate length mismatch", z, "RangeError", "coordinates", spacing=([0, 1], [0, 1, 2]))
add_error("coordinate length 1", np.zeros(3), "RangeError", "length 1", spacing=([0],))
add_error("edge order 3", z, "RangeError", "edgeOrder", edge_order=3)
add_error("edge order 0", z, "RangeError", "edgeOrder", edge_order=0)
add_error("edge order -1", z, "RangeError", "edgeOrder", edge_order=-1)
add_error("edge order 1.5", z, "RangeError", "edgeOrder", edge_order=1.5)
add_error("2-D coordinate array", z, "TypeError", "1-D coordinate array", spacing=([[0, 1, 2]], 1.0))
add_error("string spacing entry", z, "TypeError", "1-D coordinate array", spacing=("1", 1.0))
add_error("null spacing entry", z, "TypeError", "1-D coordinate array", spacing=(None, 1.0))
add_error("empty coordinate array", np.zeros(3), "RangeError", "length 0", spacing=([],))
add_error("shape does not match data", z, "TypeError", "does not match data",
          raw_input={"data": [1, 2, 3], "shape": [2, 2]})
add_error("non-numeric data", z, "TypeError", "only numbers", raw_input={"data": ["a", "b"], "shape": [2]})
add_error("ragged nested arrays", z, "TypeError", "ragged", raw_input=[[1, 2], [3]])
add_error("non-numeric nested arrays", z, "TypeError", "only numbers", raw_input=[[1, "x"], [3, 4]])
# numpy's order of checks: axis, then spacing, then edge order, then sizes
add_error("axis checked before spacing", z, "RangeError", "out of bounds", spacing=(1.0, 2.0, 3.0), axis=5)
add_error("spacing checked before edge order", z, "RangeError", "has 2 coordinates", spacing=([0, 1], 1.0),
          edge_order=3)
add_error("edge order checked before size", np.zeros(1), "RangeError", "edgeOrder", edge_order=3)
add_error("too short eo1", np.zeros(1), "RangeError", "at least edgeOrder + 1")
add_error("too short eo2", np.zeros((2, 5)), "RangeError", "at least edgeOrder + 1", edge_order=2)

out = pathlib.Path(__file__).with_name("gradient-golden.json")
out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, separators=(",", ":")))
print(f"{len(cases)} cases -> {out}")
