// Seamless tiles: each tile's pixels, edges included, equal the same zoom rendered as one window spanning several
// tiles (a run without tiling). And the interpolated inverse projection stays within 0.05 DEM pixels of the exact.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { georefFromEpsg } from "../../dist/index.js";
import { tileRange } from "../../dist/tiles/mercator.js";
import { demProjection } from "../../dist/tiles/projection.js";
import { loadTileSource } from "../../dist/tiles/pyramid.js";
import { footprintRows, isFineZoom, renderWindow } from "../../dist/tiles/render.js";
import { sourceCoordinates } from "../../dist/tiles/resample.js";
import { missing, sample } from "../helpers/samples.js";

const UTM = "sdts_8821_oregon_basin_wy.tif";
const GEOGRAPHIC = "dem-hills.tiff";
const SIZE = 256;

/** A 2×2 block of tiles near the middle of the DEM at zoom z: its top-left tile. */
function middleBlock(bounds, z) {
  const r = tileRange(bounds, z);
  return [
    Math.max(r.minX, Math.floor((r.minX + r.maxX) / 2) - (r.maxX > r.minX ? 0 : 1)),
    Math.floor((r.minY + r.maxY) / 2),
  ];
}

/** The largest difference between each tile of a 2×2 block and the same pixels of one window over the block. */
function seamDifference(source, z, x0, y0, approximate) {
  const channels = source.product.channels;
  const whole = renderWindow(
    source,
    { z, tileSize: SIZE, x: x0 * SIZE, y: y0 * SIZE, width: 2 * SIZE, height: 2 * SIZE },
    undefined,
    approximate,
  );
  assert.ok(whole, "the block holds data");
  let largest = 0;
  let compared = 0;
  for (const [dx, dy] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    const tile = renderWindow(
      source,
      { z, tileSize: SIZE, x: (x0 + dx) * SIZE, y: (y0 + dy) * SIZE, width: SIZE, height: SIZE },
      undefined,
      approximate,
    );
    if (!tile) continue;
    for (let j = 0; j < SIZE; j++) {
      for (let i = 0; i < SIZE; i++) {
        const a = (j * SIZE + i) * channels;
        const b = ((j + dy * SIZE) * 2 * SIZE + i + dx * SIZE) * channels;
        for (let c = 0; c < channels; c++) largest = Math.max(largest, Math.abs(tile[a + c] - whole[b + c]));
        compared++;
      }
    }
  }
  assert.ok(compared >= 2 * SIZE * SIZE, `only ${compared} pixels compared`);
  return largest;
}

describe("seamless tiles", { skip: missing(UTM, GEOGRAPHIC) }, () => {
  // Zoom 11 is coarser than the DEM (resampled, then shaded with a halo), 12 finer (shaded, then resampled).
  for (const [product, zooms] of [
    ["hillshade", [11, 12]],
    ["slope", [11]],
    ["terrain-rgb", [11, 12]],
  ]) {
    test(`${product}: tiles equal one window over four tiles, zooms ${zooms}`, async () => {
      const { source, bounds } = await loadTileSource([sample(UTM)], { product });
      assert.deepEqual(
        zooms.map((z) => isFineZoom(source, z, SIZE)),
        [false, true].slice(0, zooms.length),
      );
      for (const z of zooms) {
        const [x0, y0] = middleBlock(bounds, z);
        assert.equal(seamDifference(source, z, x0, y0, false), 0, `zoom ${z}, exact coordinates`);
        // Interpolation cells belong to the zoom grid, not the window: the same coordinates in both layouts.
        assert.equal(seamDifference(source, z, x0, y0, true), 0, `zoom ${z}, interpolated coordinates`);
      }
    });
  }
});

/** Largest distance, in DEM pixels, between interpolated and exact source coordinates of a window. */
function coordinateError(projection, window, tolerance) {
  const approx = sourceCoordinates(window, projection, true, undefined, tolerance);
  const exact = sourceCoordinates(window, projection, false);
  let largest = 0;
  for (let k = 0; k < exact.col.length; k++) {
    largest = Math.max(largest, Math.hypot(approx.col[k] - exact.col[k], approx.row[k] - exact.row[k]));
  }
  return largest;
}

describe("interpolated inverse projection", { skip: missing(UTM, GEOGRAPHIC) }, () => {
  test("stays within 0.05 DEM pixels of the exact one (UTM and lon/lat DEMs, zooms 6–15, 256 and 512 px)", async () => {
    for (const name of [UTM, GEOGRAPHIC]) {
      const { source, bounds } = await loadTileSource([sample(name)], { product: "terrain-rgb" });
      for (const [size, zooms] of [
        [256, [6, 9, 12, 15]],
        [512, [8, 14]],
      ]) {
        for (const z of zooms) {
          const r = tileRange(bounds, z);
          const window = { z, tileSize: size, x: r.minX * size, y: r.minY * size, width: size, height: size };
          const error = coordinateError(source.projection, window);
          assert.ok(error < 0.05, `${name} z${z} ${size}px: ${error} px`);
        }
      }
    }
  });

  test("at coarse zooms, stays within 0.05 pixels of the overview level sampled (2^level DEM pixels each)", async () => {
    for (const name of [UTM, GEOGRAPHIC]) {
      const { source, bounds } = await loadTileSource([sample(name)], { product: "hillshade" });
      for (const [z, level] of [
        [6, 4],
        [8, 2],
        [9, 1],
      ]) {
        const r = tileRange(bounds, z);
        const window = {
          z,
          tileSize: 256,
          x: r.minX * 256 - 2,
          y: r.minY * 256 - 2,
          width: 260,
          height: 260,
        };
        const error = coordinateError(source.projection, window, 0.02 * 2 ** level);
        assert.ok(error < 0.05 * 2 ** level, `${name} z${z}: ${error} DEM px`);
      }
    }
  });

  test("falls back to exact coordinates where the projection bends too much (polar stereographic at zoom 1)", () => {
    // EPSG:3413 (NSIDC polar stereographic north), 1 km pixels around the pole: tile 1/0/0 maps to a strongly
    // curved region of the DEM grid, where 16-pixel interpolation cells would be off by many pixels.
    const georef = georefFromEpsg(3413, [-3_000_000, 1000, 0, 3_000_000, 0, -1000], {
      width: 6000,
      height: 6000,
    });
    const projection = demProjection(georef);
    const window = { z: 1, tileSize: 256, x: 0, y: 0, width: 256, height: 256 };
    const exact = sourceCoordinates(window, projection, false);
    // Without the check, one bilinear cell between nodes 16 px apart is this far off somewhere:
    const stride = 16;
    let naive = 0;
    for (let j = 0; j + stride < 256; j += stride) {
      for (let i = 0; i + stride < 256; i += stride) {
        const k = (j + stride / 2) * 256 + i + stride / 2;
        const mean = (a) =>
          (a[j * 256 + i] +
            a[j * 256 + i + stride] +
            a[(j + stride) * 256 + i] +
            a[(j + stride) * 256 + i + stride]) /
          4;
        naive = Math.max(naive, Math.hypot(mean(exact.col) - exact.col[k], mean(exact.row) - exact.row[k]));
      }
    }
    assert.ok(naive > 0.05, `the case is not hard enough: ${naive} px`);
    assert.ok(coordinateError(projection, window) < 0.05);
  });
});

describe("footprints of fine tiles", { skip: missing(UTM, GEOGRAPHIC) }, () => {
  // Threads render a fine tile once the full-resolution rows of its footprint are computed: every row its bilinear
  // samples read must lie inside.
  test("hold every DEM row the tile's samples read (UTM and lon/lat DEMs, 256 and 512 px, edge tiles too)", async () => {
    for (const name of [UTM, GEOGRAPHIC]) {
      const { source, bounds, maxzoom } = await loadTileSource([sample(name)], { product: "hillshade" });
      const { height } = source.levels[0];
      for (const size of [256, 512]) {
        for (const z of [maxzoom, maxzoom + 2]) {
          const r = tileRange(bounds, z);
          for (const [x, y] of [
            [r.minX, r.minY],
            [r.maxX, r.maxY],
            [Math.floor((r.minX + r.maxX) / 2), Math.floor((r.minY + r.maxY) / 2)],
          ]) {
            const window = { z, tileSize: size, x: x * size, y: y * size, width: size, height: size };
            const { first, last } = footprintRows(source, window);
            const { row } = sourceCoordinates(window, source.projection, true);
            let low = Infinity;
            let high = -Infinity;
            for (const v of row) {
              if (!(v >= -0.5 && v <= height - 0.5)) continue;
              low = Math.min(low, Math.max(0, Math.floor(v)));
              high = Math.max(high, Math.min(height - 1, Math.floor(v) + 1));
            }
            if (low > high) continue;
            assert.ok(
              first <= low && high <= last,
              `${name} z${z} ${size}px ${x}/${y}: [${low}, ${high}] in [${first}, ${last}]`,
            );
          }
        }
      }
    }
  });
});
