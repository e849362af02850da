// The acceptance tests of the tile values: highest-zoom hillshade tiles against GDAL's exact warp of demgrad's own
// full-resolution hillshade, and decoded elevation tiles against GDAL's bilinear warp of the DEM (both -et 0).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { openDem } from "../../dist/index.js";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { decodeTile, listTiles, quantile, readRaster, warpToTile } from "./support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-accuracy-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const UTM = "sdts_8821_oregon_basin_wy.tif";
const GEOGRAPHIC = "dem-hills.tiff";
const FEET = "inldata_dem.tif";

/** The CRS as demgrad reads it (proj4), so GDAL places the DEM with the same datum handling. */
async function proj4Of(dem) {
  const handle = await openDem(dem);
  await handle.close();
  return handle.georef.crs.proj4;
}

/** Pixels of `ref` (nodata `refNodata`) whose 5×5 neighbourhood is all data: the interior, away from DEM edges. */
function interior(ref, size, isNodata) {
  const inside = new Uint8Array(size * size);
  for (let j = 2; j < size - 2; j++) {
    for (let i = 2; i < size - 2; i++) {
      let ok = true;
      for (let dj = -2; dj <= 2 && ok; dj++)
        for (let di = -2; di <= 2 && ok; di++) if (isNodata(ref[(j + dj) * size + i + di])) ok = false;
      inside[j * size + i] = ok ? 1 : 0;
    }
  }
  return inside;
}

describe("tile values against GDAL", {
  skip: (!HAS_GDAL && "gdal-bin not installed") || missing(UTM, GEOGRAPHIC),
}, () => {
  test("highest-zoom hillshade tiles equal gdalwarp -et 0 -r bilinear of demgrad's hillshade (UTM DEM)", async (t) => {
    const dem = sample(UTM);
    const out = `${dir}/shade-tiles`;
    const shade = `${dir}/shade.tif`;
    let r = demgrad(["tiles", dem, out, "--product", "hillshade", "--zoom", "12", "-q"]);
    assert.equal(r.status, 0, r.stderr);
    r = demgrad(["hillshade", dem, shade, "-q"]);
    assert.equal(r.status, 0, r.stderr);
    const srs = await proj4Of(dem);
    const tiles = listTiles(out);
    assert.ok(tiles.length >= 4, `${tiles.length} tiles`);
    let sum = 0;
    let count = 0;
    for (const tile of tiles) {
      const [z, x, y] = tile.split("/").map(Number);
      const ref = `${dir}/ref-${z}-${x}-${y}.tif`;
      gdal("gdalwarp", [
        "-q",
        "-overwrite",
        "-s_srs",
        srs,
        ...warpToTile(z, x, y, 256),
        "-r",
        "bilinear",
        "-et",
        "0",
        "-srcnodata",
        "0",
        "-dstnodata",
        "0",
        shade,
        ref,
      ]);
      const expected = (await readRaster(ref)).data;
      const ours = await decodeTile(`${out}/${tile}.png`);
      assert.equal(ours.channels, 2, "grey + alpha");
      const inside = interior(expected, 256, (v) => v === 0);
      for (let k = 0; k < 256 * 256; k++) {
        if (!inside[k]) continue;
        assert.equal(
          ours.data[2 * k + 1],
          255,
          `${tile}: pixel ${k} has data in GDAL's warp but not in the tile`,
        );
        sum += Math.abs(ours.data[2 * k] - expected[k]);
        count++;
      }
    }
    assert.ok(count > 100_000, `${count} interior pixels compared`);
    const mean = sum / count;
    t.diagnostic(`mean absolute difference ${mean.toFixed(3)} over ${count} pixels`);
    assert.ok(mean <= 2, `mean absolute difference ${mean.toFixed(3)} grey levels`);
  });

  // [DEM, zoom, encoding, metres per stored unit, tiles compared (from the middle of the list; all when omitted)]
  for (const [name, zoom, encoding, metres, count] of [
    [UTM, 12, "terrain-rgb", 1],
    [GEOGRAPHIC, 14, "terrain-rgb", 1],
    [GEOGRAPHIC, 14, "terrarium", 1],
    // Elevations in feet (band unit `ft`, 0.3048 m) come out in metres.
    [FEET, 11, "terrain-rgb", 0.3048, 6],
  ]) {
    test(`decoded ${encoding} tiles equal the DEM warped bilinearly (-et 0): ${name}`, async (t) => {
      const dem = sample(name);
      const out = `${dir}/${encoding}-${zoom}-${name}`;
      const r = demgrad(["tiles", dem, out, "--product", encoding, "--zoom", String(zoom), "-q"]);
      assert.equal(r.status, 0, r.stderr);
      const srs = await proj4Of(dem);
      const errors = [];
      const all = listTiles(out);
      const first = count ? Math.max(0, Math.floor((all.length - count) / 2)) : 0;
      for (const tile of all.slice(first, count ? first + count : undefined)) {
        const [z, x, y] = tile.split("/").map(Number);
        const ref = `${dir}/dem-${z}-${x}-${y}.tif`;
        gdal("gdalwarp", [
          "-q",
          "-overwrite",
          "-s_srs",
          srs,
          ...warpToTile(z, x, y, 256),
          "-r",
          "bilinear",
          "-et",
          "0",
          "-ot",
          "Float32",
          "-dstnodata",
          "-99999",
          dem,
          ref,
        ]);
        const expected = (await readRaster(ref)).data;
        const ours = await decodeTile(`${out}/${tile}.png`);
        assert.equal(ours.channels, 4);
        const inside = interior(expected, 256, (v) => v === -99999 || Number.isNaN(v));
        for (let k = 0; k < 256 * 256; k++) {
          if (!inside[k]) continue;
          const [R, G, B, A] = ours.data.subarray(4 * k, 4 * k + 4);
          assert.equal(A, 255, `${tile}: pixel ${k} has data in GDAL's warp but not in the tile`);
          const h =
            encoding === "terrain-rgb"
              ? -10000 + (R * 65536 + G * 256 + B) * 0.1
              : R * 256 + G + B / 256 - 32768;
          errors.push(Math.abs(h - expected[k] * metres));
        }
      }
      errors.sort((a, b) => a - b);
      assert.ok(errors.length > 50_000, `${errors.length} interior pixels compared`);
      const median = quantile(errors, 0.5);
      const p99 = quantile(errors, 0.99);
      t.diagnostic(
        `median ${median.toFixed(4)} m, p99 ${p99.toFixed(4)} m, max ${errors.at(-1).toFixed(3)} m`,
      );
      assert.ok(median <= 0.1, `median error ${median} m`);
      assert.ok(p99 <= 1, `p99 error ${p99} m`);
    });
  }
});
