#!/usr/bin/env python3
"""Regenerates test/terrain/terrain-golden.json: numpy.gradient of small NaN-free DEMs with ground-metre
coordinates, the independent reference for demgrad's `gradient` method (run: python3 test/terrain/make-terrain-golden.py).

Each case gives the DEM z (rows x cols), the x steps of every row (xSteps[row][col] = metres from col to col + 1),
the y steps (ySteps[row] = metres from row to row + 1, the same for every column) and numpy's derivatives along rows
(dRows) and columns (dCols). Where every row has the same x steps, numpy.gradient(z, y, x) is called once; where x
steps vary by row (a geographic DEM: dx shrinks with cos(latitude)), each row is np.gradient(z[r], x_r).
Along y demgrad sees only a strip of each column, so it applies numpy's uniform rule per pair of neighbouring steps;
the cases keep y steps either exactly uniform or with no two neighbours equal, where that rule is numpy's.
"""
import json
import pathlib
import struct

import numpy as np

rng = np.random.default_rng(11)
cases = []


def hexes(a):
    return [struct.pack("<d", float(v)).hex() for v in np.asarray(a, dtype=np.float64).ravel()]


def dem(h, w):
    return np.cumsum(np.cumsum(rng.normal(0, 3, (h, w)), 0), 1) + 500


def coords(steps):
    return np.concatenate([[0.0], np.cumsum(steps)])


def add(name, z, x_steps_by_row, y_steps, edge_order):
    h, w = z.shape
    # The steps numpy really uses are the differences of the coordinates, which may differ from the steps summed.
    y = coords(y_steps)
    y_steps = np.diff(y)
    x_steps_by_row = np.stack([np.diff(coords(s)) for s in x_steps_by_row])
    if all(np.array_equal(s, x_steps_by_row[0]) for s in x_steps_by_row):
        d_rows, d_cols = np.gradient(z, y, coords(x_steps_by_row[0]), edge_order=edge_order)
    else:
        d_rows = np.gradient(z, y, axis=0, edge_order=edge_order)
        d_cols = np.stack([np.gradient(z[r], coords(x_steps_by_row[r]), edge_order=edge_order) for r in range(h)])
    cases.append({"name": f"{name} {h}x{w} eo{edge_order}", "height": h, "width": w, "edgeOrder": edge_order,
                  "z": hexes(z), "xSteps": hexes(x_steps_by_row), "ySteps": hexes(y_steps),
                  "dRows": hexes(d_rows), "dCols": hexes(d_cols)})


for eo in (1, 2):
    h, w = 17, 23
    add("uniform square", dem(h, w), np.full((h, w - 1), 30.0), np.full(h - 1, 30.0), eo)
    add("uniform 10x12", dem(h, w), np.full((h, w - 1), 10.0), np.full(h - 1, 12.0), eo)
    add("non-uniform y", dem(h, w), np.full((h, w - 1), 30.0), rng.uniform(25, 35, h - 1), eo)
    x = rng.uniform(20, 40, w - 1)
    add("non-uniform x", dem(h, w), np.tile(x, (h, 1)), np.full(h - 1, 30.0), eo)
    add("non-uniform both", dem(h, w), np.tile(x, (h, 1)), rng.uniform(25, 35, h - 1), eo)
    lat = np.radians(np.linspace(60.0, 59.9, h))
    add("geographic-like", dem(h, w), np.outer(111320 * np.cos(lat) / 1200, np.ones(w - 1)),
        np.full(h - 1, 92.5), eo)
    add("tiny", dem(3, 3), np.full((3, 2), 5.0), np.full(2, 5.0), eo)
add("two by two", dem(2, 2), np.full((2, 1), 5.0), np.full(1, 7.0), 1)
add("two columns", dem(6, 2), np.full((6, 1), 5.0), np.full(5, 7.0), 1)

out = pathlib.Path(__file__).with_name("terrain-golden.json")
out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, separators=(",", ":")))
print(f"{len(cases)} cases -> {out}")
