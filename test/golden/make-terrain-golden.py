#!/usr/bin/env python3
"""Regenerates test/golden/terrain-golden.json: numpy.gradient of small DEMs with ground-metre coordinates, the
reference for demgrad's `gradient` method on NaN-free DEMs (run: python3 test/golden/make-terrain-golden.py)."""
import json
import pathlib
import struct

import numpy as np

rng = np.random.default_rng(7)
cases = []
hexes = lambda a: [struct.pack("<d", float(v)).hex() for v in np.asarray(a, dtype=np.float64).ravel()]
for k, (h, w) in enumerate([(17, 23), (5, 4), (3, 9), (40, 31)]):
    z = np.cumsum(np.cumsum(rng.normal(0, 3, (h, w)), 0), 1) + 500
    x = np.arange(w) * 30.0  # uniform columns
    y = np.cumsum(np.r_[0, rng.uniform(25, 35, h - 1)])  # row distances vary (like arc lengths)
    for eo in (1, 2):
        d_rows, d_cols = np.gradient(z, y, x, edge_order=eo)
        cases.append({"name": f"{h}x{w} eo{eo}", "height": h, "width": w, "edgeOrder": eo, "z": hexes(z),
                      "rowSteps": hexes(np.diff(y)), "colStep": 30.0, "dRows": hexes(d_rows), "dCols": hexes(d_cols)})
out = pathlib.Path(__file__).with_name("terrain-golden.json")
out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, separators=(",", ":")))
print(f"{len(cases)} cases -> {out}")
