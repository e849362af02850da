// Colour-relief and relief tiles: the colour table applied to the very elevations Terrain-RGB tiles carry (so
// their resampling is the one the Terrain-RGB accuracy test checks against gdalwarp), and relief = those colours
// multiplied by the hillshade tiles' grey, as the relief product blends them. Nodata (outside the DEM) transparent.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { RELIEF_SHADE_WEIGHT } from "../../dist/products/relief.js";
import { namedRamp } from "../../dist/terrain/colour-ramps.js";
import { colourLut, colourOf } from "../../dist/terrain/colour-table.js";
import { demgrad, ROOT } from "../helpers/cli.js";
import { decodeTile, listTiles } from "./support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-colour-tiles-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const DEM = `${ROOT}samples/alps-utm32.tif`;

function pyramid(name, ...flags) {
  const out = `${dir}/${name}`;
  const run = demgrad(["tiles", DEM, out, "--zoom", "12-13", "-q", ...flags]);
  assert.equal(run.status, 0, run.stderr);
  return out;
}

test("color-relief tiles colour the elevations the Terrain-RGB tiles carry; relief shades them by the hillshade tiles", async () => {
  const elevation = pyramid("terrain-rgb", "--product", "terrain-rgb");
  const hypsometric = pyramid("hypsometric", "--product", "color-relief", "--ramp", "hypsometric");
  const terrain = pyramid("terrain", "--product", "color-relief");
  const shade = pyramid("shade", "--product", "hillshade", "--variant", "combined");
  const relief = pyramid("relief", "--product", "relief");
  const tiles = listTiles(elevation);
  for (const other of [hypsometric, terrain, shade, relief]) assert.deepEqual(listTiles(other), tiles);
  // Hypsometric tints are fixed elevations in metres, so the expected colour needs no DEM range.
  const lut = colourLut(namedRamp("hypsometric"), { nodata: undefined, range: undefined }, "interpolate");
  const factor = (s) => 1 - RELIEF_SHADE_WEIGHT + (RELIEF_SHADE_WEIGHT * s) / 255;
  const expected = new Uint8Array(4);
  let [pixels, worstColour, worstRelief] = [0, 0, 0];
  for (const tile of tiles) {
    const h = await decodeTile(`${elevation}/${tile}.png`);
    const c = await decodeTile(`${hypsometric}/${tile}.png`);
    const t = await decodeTile(`${terrain}/${tile}.png`);
    const s = await decodeTile(`${shade}/${tile}.png`);
    const r = await decodeTile(`${relief}/${tile}.png`);
    for (let k = 0; k < h.width * h.height; k++) {
      const valid = h.data[4 * k + 3] === 255;
      assert.equal(c.data[4 * k + 3], valid ? 255 : 0, `${tile}: colour-relief alpha at ${k}`);
      assert.equal(r.data[4 * k + 3], valid ? 255 : 0, `${tile}: relief alpha at ${k}`);
      if (!valid) continue;
      pixels++;
      const metres = -10000 + (h.data[4 * k] * 65536 + h.data[4 * k + 1] * 256 + h.data[4 * k + 2]) * 0.1;
      colourOf(lut, metres, "interpolate", expected, 0);
      for (let b = 0; b < 3; b++) {
        worstColour = Math.max(worstColour, Math.abs(c.data[4 * k + b] - expected[b]));
        // A cell without a hillshade (the DEM's edge at a coarse zoom) keeps its colour, as in the relief product.
        const shaded =
          s.data[2 * k + 1] === 0 ? t.data[4 * k + b] : Math.round(t.data[4 * k + b] * factor(s.data[2 * k]));
        worstRelief = Math.max(worstRelief, Math.abs(r.data[4 * k + b] - shaded));
      }
    }
  }
  assert.ok(pixels > 100_000, `only ${pixels} pixels with data`);
  // Terrain-RGB rounds elevations to 0.1 m: at most one level of colour (measured 1).
  assert.ok(worstColour <= 1, `colour relief differs from the table by ${worstColour}`);
  assert.equal(worstRelief, 0, "relief is the colour relief times the hillshade factor");
});

test("a bad colour file is refused before any tile is written", () => {
  const out = `${dir}/bad`;
  const run = demgrad([
    "tiles",
    DEM,
    out,
    "--product",
    "color-relief",
    "--color-file",
    `${dir}/missing.txt`,
    "-q",
  ]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^demgrad: .*missing\.txt: no such file$/m);
  const both = demgrad([
    "tiles",
    DEM,
    out,
    "--product",
    "relief",
    "--ramp",
    "grey",
    "--color-file",
    DEM,
    "-q",
  ]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /cannot be combined with/);
});
