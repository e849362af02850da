// Helpers of the tile tests: decoding tile images, reading GDAL's reference rasters, listing a pyramid.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { openDem } from "../../dist/index.js";
import { tileBounds } from "../../dist/tiles/mercator.js";

/** A tile image's pixels: { data: Uint8Array, channels, width, height }. */
export async function decodeTile(pathOrBuffer) {
  const { channels } = await sharp(pathOrBuffer).metadata();
  const { data, info } = await sharp(pathOrBuffer).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (channels === 2) {
    // sharp hands grey + alpha out as RGBA: keep grey and alpha.
    const grey = new Uint8Array(info.width * info.height * 2);
    for (let k = 0; k < info.width * info.height; k++) {
      grey[2 * k] = data[4 * k];
      grey[2 * k + 1] = data[4 * k + 3];
    }
    return { data: grey, channels: 2, width: info.width, height: info.height };
  }
  return { data: new Uint8Array(data), channels: info.channels, width: info.width, height: info.height };
}

/** Every tile of a pyramid folder as "z/x/y" strings, sorted. */
export function listTiles(dir, ext = "png") {
  const tiles = [];
  for (const z of readdirSync(dir).filter((d) => /^\d+$/.test(d))) {
    for (const x of readdirSync(join(dir, z))) {
      for (const f of readdirSync(join(dir, z, x))) {
        if (f.endsWith(`.${ext}`)) tiles.push(`${z}/${x}/${f.slice(0, -ext.length - 1)}`);
      }
    }
  }
  return tiles.sort();
}

/** Per zoom, the range of x and y of a list of "z/x/y". */
export function rangesOf(tiles) {
  const ranges = new Map();
  for (const t of tiles) {
    const [z, x, y] = t.split("/").map(Number);
    const r = ranges.get(z) ?? { z, minX: x, maxX: x, minY: y, maxY: y };
    r.minX = Math.min(r.minX, x);
    r.maxX = Math.max(r.maxX, x);
    r.minY = Math.min(r.minY, y);
    r.maxY = Math.max(r.maxY, y);
    ranges.set(z, r);
  }
  return [...ranges.values()].sort((a, b) => a.z - b.z);
}

/** gdalwarp's arguments that put a raster into the pixels of tile z/x/y. */
export function warpToTile(z, x, y, size) {
  const [minX, minY, maxX, maxY] = tileBounds(z, x, y);
  return [
    "-t_srs",
    "EPSG:3857",
    "-te",
    ...[minX, minY, maxX, maxY].map(String),
    "-ts",
    String(size),
    String(size),
  ];
}

/** A GeoTIFF's first band as stored (nodata kept, no unit applied): { data, width, height, nodata }. */
export async function readRaster(path) {
  const handle = await openDem(path);
  try {
    const { width, height, nodata } = handle;
    return { data: await handle.readWindow({ x: 0, y: 0, width, height }), width, height, nodata };
  } finally {
    await handle.close();
  }
}

export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const HAS_CHROMIUM = existsSync("/usr/bin/chromium");
