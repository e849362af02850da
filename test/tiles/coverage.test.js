// Which tiles a pyramid holds: exactly the z/x/y ranges of the DEM's bounds (computed here from GDAL's
// transformation of the DEM's outline), the zoom rule, and no tile without data.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { openDem } from "../../dist/index.js";
import { demgrad, HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { decodeTile, listTiles, rangesOf } from "./support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-coverage-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** The lon/lat box of a DEM's outline (pixel edges, 50 points a side), transformed by GDAL. */
async function outlineBounds(dem) {
  const handle = await openDem(dem);
  await handle.close();
  const {
    geoTransform: gt,
    crs,
    width,
    height,
  } = { ...handle.georef, width: handle.width, height: handle.height };
  const points = [];
  for (let i = 0; i <= 50; i++) {
    const c = (width * i) / 50;
    const r = (height * i) / 50;
    for (const [col, row] of [
      [c, 0],
      [c, height],
      [0, r],
      [width, r],
    ]) {
      points.push(`${gt[0] + col * gt[1]} ${gt[3] + row * gt[5]}`);
    }
  }
  const out = spawnSync("gdaltransform", ["-s_srs", crs.proj4, "-t_srs", "EPSG:4326", "-output_xy"], {
    input: points.join("\n"),
    encoding: "utf8",
  }).stdout;
  const lonlat = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  return {
    west: Math.min(...lonlat.map((p) => p[0])),
    east: Math.max(...lonlat.map((p) => p[0])),
    south: Math.min(...lonlat.map((p) => p[1])),
    north: Math.max(...lonlat.map((p) => p[1])),
  };
}

/** Slippy-map tile of a lon/lat at zoom z (OSM's formula). */
function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return [
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n),
  ];
}

function expectedRanges(bounds, minzoom, maxzoom) {
  const ranges = [];
  for (let z = minzoom; z <= maxzoom; z++) {
    const [minX, minY] = tileOf(bounds.west, bounds.north, z);
    const [maxX, maxY] = tileOf(bounds.east, bounds.south, z);
    ranges.push({ z, minX, maxX, minY, maxY });
  }
  return ranges;
}

const UTM = "sdts_8821_oregon_basin_wy.tif";
const GEOGRAPHIC = "dem-hills.tiff";

describe("tile coverage", {
  skip: (!HAS_GDAL && "gdal-bin not installed") || missing(UTM, GEOGRAPHIC),
}, () => {
  for (const [name, zooms] of [
    [UTM, [8, 13]],
    [GEOGRAPHIC, [10, 15]],
  ]) {
    test(`${name}: every zoom covers exactly the tile range of the DEM's bounds`, async () => {
      const out = `${dir}/${name}`;
      const r = demgrad(["tiles", sample(name), out, "--zoom", `${zooms[0]}-${zooms[1]}`, "-q"]);
      assert.equal(r.status, 0, r.stderr);
      const bounds = await outlineBounds(sample(name));
      const expected = expectedRanges(bounds, zooms[0], zooms[1]);
      assert.deepEqual(rangesOf(listTiles(out)), expected);
      const tilejson = JSON.parse(readFileSync(`${out}/tiles.json`, "utf8"));
      assert.equal(tilejson.tilejson, "3.0.0");
      assert.deepEqual([tilejson.minzoom, tilejson.maxzoom], zooms);
      const [west, south, east, north] = tilejson.bounds;
      for (const [ours, gdals] of [
        [west, bounds.west],
        [south, bounds.south],
        [east, bounds.east],
        [north, bounds.north],
      ]) {
        assert.ok(
          Math.abs(ours - gdals) < 1e-6,
          `bounds ${tilejson.bounds} vs GDAL's ${JSON.stringify(bounds)}`,
        );
      }
      if (name === GEOGRAPHIC) {
        // A lon/lat rectangle fills its whole tile range: every tile of the range is there.
        const count = expected.reduce((n, e) => n + (e.maxX - e.minX + 1) * (e.maxY - e.minY + 1), 0);
        assert.equal(listTiles(out).length, count);
      }
    });
  }

  test("default zooms: up to the first zoom whose pixel is smaller than the DEM's, down to one tile", () => {
    // sdts: 30 m pixels at 44.4°N; a zoom-z pixel is 156543.03·cos(lat)/2^z m: z11 54.7 m, z12 27.3 m → 12.
    // dem-hills: 7.96 m × 10.3 m pixels at 39.4°N: z13 14.8 m, z14 7.38 m → 14.
    for (const [name, maxzoom] of [
      [UTM, 12],
      [GEOGRAPHIC, 14],
    ]) {
      const out = `${dir}/default-${name}`;
      const r = demgrad(["tiles", sample(name), out, "-q"]);
      assert.equal(r.status, 0, r.stderr);
      const tilejson = JSON.parse(readFileSync(`${out}/tiles.json`, "utf8"));
      assert.equal(tilejson.maxzoom, maxzoom, name);
      const ranges = rangesOf(listTiles(out));
      assert.equal(ranges[0].z, tilejson.minzoom);
      assert.equal(ranges.at(-1).z, maxzoom);
      // At the lowest zoom the DEM spans at most two tiles in each direction (one tile's width, anywhere).
      assert.ok(ranges[0].maxX - ranges[0].minX <= 1 && ranges[0].maxY - ranges[0].minY <= 1, name);
      // One zoom lower would still fit in one tile's width only if the DEM were half as large: it is not.
      const [x0, y0, x1, y1] = tilejson.bounds;
      const widthTiles = ((x1 - x0) / 360) * 2 ** (tilejson.minzoom + 1);
      const latY = (lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
      const heightTiles = (latY(y1) - latY(y0)) * 2 ** (tilejson.minzoom + 1);
      assert.ok(
        Math.max(widthTiles, heightTiles) > 1,
        `${name}: minzoom ${tilejson.minzoom} is not the highest that fits`,
      );
    }
  });

  test("tiles without data are left out; nodata pixels are transparent", async () => {
    // The UTM DEM's outline is turned against the Mercator grid and it has a nodata collar: at zoom 14 the tiles of
    // its range's western column see only the collar and are not written; every written tile holds data, and edge
    // pixels are transparent.
    const out = `${dir}/${UTM}-14`;
    const r = demgrad(["tiles", sample(UTM), out, "--zoom", "14", "-q"]);
    assert.equal(r.status, 0, r.stderr);
    const tiles = listTiles(out);
    const [range] = expectedRanges(await outlineBounds(sample(UTM)), 14, 14);
    const [written] = rangesOf(tiles);
    assert.ok(written.minX >= range.minX && written.maxX <= range.maxX, "a tile outside the range");
    assert.ok(written.minY >= range.minY && written.maxY <= range.maxY, "a tile outside the range");
    assert.ok(
      tiles.length < (range.maxX - range.minX + 1) * (range.maxY - range.minY + 1),
      "no tile left out",
    );
    let transparent = 0;
    for (const t of tiles) {
      const { data } = await decodeTile(`${out}/${t}.png`);
      let opaque = 0;
      for (let k = 1; k < data.length; k += 2) {
        if (data[k] === 255) opaque++;
        else {
          assert.equal(data[k], 0, "alpha is 0 or 255");
          assert.equal(data[k - 1], 0, "nodata is grey 0");
          transparent++;
        }
      }
      assert.ok(opaque > 0, `${t} holds no data`);
    }
    assert.ok(transparent > 0);
  });
});
