/**
 * Renders windows of a zoom level's pixel grid from a DEM held in memory. At zooms whose pixel is at least as fine
 * as the DEM's, terrain fields are computed once at the DEM's resolution and resampled into the tile; at coarser
 * zooms the DEM is first resampled to the zoom's own grid (from the overview level just finer than it) with a halo
 * from beyond the tile, and shaded there. Either way a tile's edge pixels come from the DEM beyond it, so tiles
 * are seamless.
 */
import type { Georef } from "../geo/types.js";
import type { SampleType } from "../io/sample-types.js";
import { HALF_WORLD, mercatorToLonLat, pixelMetres } from "./mercator.js";
import { webMercatorSpacing } from "./mercator-spacing.js";
import type { Field, FieldValues, TerrainField, TileProduct } from "./products.js";
import type { DemProjection } from "./projection.js";
import {
  COORDINATE_TOLERANCE,
  type Grid,
  halve,
  type PixelWindow,
  type SourceCoordinates,
  sampleBilinear,
  sourceCoordinates,
} from "./resample.js";
import { type TerrainSettings, terrainFields, terrainHalo } from "./shading.js";

/** A DEM prepared for rendering tiles of one product. */
export interface TileSource {
  projection: DemProjection;
  georef: Georef;
  sampleType: SampleType;
  /** Elevations in the stored unit, NaN = nodata; `levels[0]` is the DEM, each next level half the size. */
  levels: Grid[];
  /** Terrain fields at the DEM's resolution (only those the product needs). */
  full: Partial<Record<TerrainField, Grid>>;
  /** The DEM's ground pixel size in metres (the smaller of x and y, at its centre). */
  sourceMetres: number;
  /** The DEM's centre latitude, where tile pixels are compared with source pixels. */
  centreLat: number;
  metresPerUnit: number;
  /** Derivative settings on the DEM's grid (fine zooms) and on Web Mercator tile grids (coarse zooms). */
  demTerrain: TerrainSettings;
  tileTerrain: TerrainSettings;
  /** The georeferencing of zoom 0's pixel grid (EPSG:3857); every zoom's grid is it with another pixel size. */
  mercator: Georef;
  product: TileProduct;
}

export interface PrepareOptions {
  /** Whether any zoom to be rendered is fine enough to use terrain fields at the DEM's resolution (default true). */
  fullResolution?: boolean;
  /**
   * Leave those fields to be computed part by part (`terrainParts`, `computeTerrainRows`), on as many threads as
   * wanted, before the first fine zoom renders; by default they are computed here.
   */
  deferTerrain?: boolean;
  /** Arrays in shared memory, for worker threads. */
  shared?: boolean;
  maxLevels?: number;
}

/**
 * Builds the overview levels and the full-resolution terrain fields the product needs — unless no zoom to be
 * rendered is fine enough to use them (`fullResolution: false`).
 */
export function prepareSource(
  base: Omit<TileSource, "levels" | "full"> & { elevation: Grid },
  { fullResolution = true, deferTerrain = false, shared = false, maxLevels = 24 }: PrepareOptions = {},
): TileSource {
  const place = (grid: Grid) => (shared ? inSharedMemory(grid) : grid);
  const levels: Grid[] = [place(base.elevation)];
  while (levels.length < maxLevels) {
    const last = levels[levels.length - 1]!;
    if (last.width <= 2 && last.height <= 2) break;
    levels.push(place(halve(last)));
  }
  const { width, height } = base.elevation;
  const full: TileSource["full"] = {};
  if (fullResolution) {
    const count = width * height;
    for (const field of terrainOf(base.product.fields)) {
      const data = shared ? new Float32Array(new SharedArrayBuffer(4 * count)) : new Float32Array(count);
      full[field] = { data, width, height };
    }
  }
  const { elevation: _e, ...rest } = base;
  const source = { ...rest, levels, full };
  if (!deferTerrain) computeTerrainRows(source, 0, height);
  return source;
}

/** A grid whose values live in shared memory (what worker threads can read without a copy each). */
export function inSharedMemory(grid: Grid): Grid {
  if (grid.data.buffer instanceof SharedArrayBuffer) return grid;
  const buffer = new SharedArrayBuffer(grid.data.byteLength);
  const data = grid.data instanceof Float64Array ? new Float64Array(buffer) : new Float32Array(buffer);
  data.set(grid.data);
  return { data, width: grid.width, height: grid.height };
}

/** Rows per part of the full-resolution terrain: whole strips of `terrainFields`, so parts equal one pass. */
const PART_ROWS = 256;

/**
 * Row ranges of the DEM whose full-resolution terrain fields `computeTerrainRows` computes independently: two for
 * each of `threads` threads (so that one finishing early finds more), in whole strips; one for a single thread.
 */
export function terrainParts(source: TileSource, threads = 1): Array<{ first: number; rows: number }> {
  if (Object.keys(source.full).length === 0) return [];
  const { height } = source.levels[0]!;
  const count = threads <= 1 ? 1 : 2 * threads;
  const rows = Math.max(1, Math.ceil(height / count / PART_ROWS)) * PART_ROWS;
  const parts = [];
  for (let first = 0; first < height; first += rows)
    parts.push({ first, rows: Math.min(rows, height - first) });
  return parts;
}

/**
 * Computes rows [first, first + rows) of the full-resolution terrain fields into `source.full`, from the DEM rows
 * they need (the derivative method's halo beyond them).
 */
export function computeTerrainRows(source: TileSource, first: number, rows: number): void {
  const fields = Object.keys(source.full) as TerrainField[];
  if (fields.length === 0 || rows <= 0) return;
  const dem = source.levels[0]!;
  const { width, height } = dem;
  const halo = terrainHalo(source.demTerrain);
  const top = Math.max(0, first - halo);
  const bottom = Math.min(height, first + rows + halo);
  const values = terrainFields(
    {
      data: Float64Array.from(dem.data.subarray(top * width, bottom * width)),
      width,
      height: bottom - top,
      frame: source.georef,
      window: { x: 0, y: top, width, height: bottom - top },
      sampleType: source.sampleType,
    },
    fields,
    source.demTerrain,
    { x: 0, y: first - top, width, height: rows },
  );
  for (const field of fields) source.full[field]!.data.set(values[field]!, first * width);
}

function terrainOf(fields: readonly Field[]): TerrainField[] {
  return fields.filter((f): f is TerrainField => f !== "elevation");
}

/** Whether zoom `z` is rendered from terrain fields at the DEM's resolution (pixel at least as fine as the DEM's). */
export function isFineZoom(source: TileSource, z: number, tileSize: number): boolean {
  return pixelMetres(z, tileSize) * Math.cos((source.centreLat * Math.PI) / 180) <= source.sourceMetres;
}

/** Rows added on each side of a footprint: the interpolated coordinates' error and the bends between points. */
const FOOTPRINT_MARGIN = 3;

/**
 * The rows of the DEM that rendering `window` at a fine zoom reads from the full-resolution fields: [first, last],
 * clamped to the DEM. A continuous one-to-one map takes its extreme rows on the window's border, so the exact
 * inverse projection of the border pixels every 16 pixels, widened by a few rows, bounds them.
 */
export function footprintRows(source: TileSource, window: PixelWindow): { first: number; last: number } {
  const { height } = source.levels[0]!;
  const border: number[] = [];
  for (let k = 0; k < window.width; k += 16) border.push(k, 0, k, window.height - 1);
  for (let k = 0; k < window.height; k += 16) border.push(0, k, window.width - 1, k);
  border.push(window.width - 1, 0, window.width - 1, window.height - 1);
  const res = pixelMetres(window.z, window.tileSize);
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < border.length; k += 2) {
    const [lon, lat] = mercatorToLonLat(
      -HALF_WORLD + (window.x + border[k]! + 0.5) * res,
      HALF_WORLD - (window.y + border[k + 1]! + 0.5) * res,
    );
    const row = source.projection.toPixel(lon, lat)[1];
    // A point the projection cannot place: the whole DEM may be read.
    if (!Number.isFinite(row)) return { first: 0, last: height - 1 };
    low = Math.min(low, row);
    high = Math.max(high, row);
  }
  return {
    first: Math.max(0, Math.min(height - 1, Math.floor(low) - FOOTPRINT_MARGIN)),
    last: Math.max(0, Math.min(height - 1, Math.floor(high) + 1 + FOOTPRINT_MARGIN)),
  };
}

/**
 * The georeferencing of the whole pixel grid of zoom `z` (the frame of a tile block's ground spacing): `grid`, the
 * georeferencing of any zoom's grid, with zoom z's size and pixel size.
 */
export function zoomFrame(grid: Georef, z: number, tileSize: number): Georef {
  const res = pixelMetres(z, tileSize);
  const size = tileSize * 2 ** z;
  return {
    ...grid,
    width: size,
    height: size,
    geoTransform: [-HALF_WORLD, res, 0, HALF_WORLD, 0, -res],
    tags: {
      ...grid.tags,
      ModelPixelScale: [res, res, 0],
      ModelTiepoint: [0, 0, 0, -HALF_WORLD, HALF_WORLD, 0],
    },
  };
}

const frames = new WeakMap<Georef, Map<string, Georef>>();

/** `zoomFrame` of the source's Web Mercator grid, cached. */
function sourceZoomFrame(source: TileSource, z: number, tileSize: number): Georef {
  let cache = frames.get(source.mercator);
  if (!cache) frames.set(source.mercator, (cache = new Map()));
  const key = `${z}/${tileSize}`;
  let frame = cache.get(key);
  if (!frame) cache.set(key, (frame = zoomFrame(source.mercator, z, tileSize)));
  return frame;
}

/** The box [x, right) × [y, bottom) of a grid's valid (non-NaN) cells, or undefined when there is none. */
function validBox(
  data: Float64Array,
  width: number,
  height: number,
): { x: number; y: number; right: number; bottom: number } | undefined {
  let x = width;
  let right = 0;
  let y = height;
  let bottom = 0;
  for (let j = 0; j < height; j++) {
    const row = j * width;
    let first = 0;
    while (first < width && data[row + first] !== data[row + first]) first++;
    if (first === width) continue;
    let last = width - 1;
    while (data[row + last] !== data[row + last]) last--;
    x = Math.min(x, first);
    right = Math.max(right, last + 1);
    y = Math.min(y, j);
    bottom = j + 1;
  }
  return bottom > 0 ? { x, y, right, bottom } : undefined;
}

/** The cells of a box of a grid `width` cells wide, as a grid of their own. */
function copyBox(
  data: Float64Array,
  width: number,
  box: { x: number; y: number; right: number; bottom: number },
): Float64Array {
  const boxWidth = box.right - box.x;
  const out = new Float64Array(boxWidth * (box.bottom - box.y));
  for (let j = box.y; j < box.bottom; j++) {
    out.set(data.subarray(j * width + box.x, j * width + box.right), (j - box.y) * boxWidth);
  }
  return out;
}

/** Arrays every window of one size needs only while it renders, kept for the next (rendering is synchronous). */
const scratch: {
  coords?: SourceCoordinates;
  elevation?: Float64Array;
  fields: Partial<Record<Field, Float32Array>>;
} = { fields: {} };

/** The thread's scratch array of a field, of `count` values. */
function scratchField(field: Field, count: number): Float32Array {
  let values = scratch.fields[field];
  if (values?.length !== count) scratch.fields[field] = values = new Float32Array(count);
  return values;
}

/**
 * The pixels of a window of zoom `window.z` (`channels` bytes each), or undefined when no pixel has data.
 * `approximate: false` computes every pixel's inverse projection exactly (see `sourceCoordinates`); `pixels`, of
 * the right length, receives the pixels instead of a new array.
 *
 * @example
 * ```ts
 * const tile = renderWindow(source, { z: 12, tileSize: 256, x: 256 * 812, y: 256 * 1470, width: 256, height: 256 });
 * ```
 */
export function renderWindow(
  source: TileSource,
  window: PixelWindow,
  frame: Georef = sourceZoomFrame(source, window.z, window.tileSize),
  approximate = true,
  pixels?: Uint8Array,
): Uint8Array | undefined {
  const count = window.width * window.height;
  const fields: FieldValues = {};
  const wanted = source.product.fields;
  if (isFineZoom(source, window.z, window.tileSize)) {
    const coords = (scratch.coords = sourceCoordinates(
      window,
      source.projection,
      approximate,
      scratch.coords,
    ));
    for (const field of wanted) {
      const values = scratchField(field, count);
      const grid = field === "elevation" ? source.levels[0] : source.full[field];
      if (!grid) throw new Error(`zoom ${window.z} needs the ${field} at the DEM's resolution: not prepared`);
      sampleBilinear(grid, coords, values);
      fields[field] = values;
    }
  } else {
    const halo = terrainHalo(source.tileTerrain);
    const block: PixelWindow = {
      ...window,
      x: window.x - halo,
      y: window.y - halo,
      width: window.width + 2 * halo,
      height: window.height + 2 * halo,
    };
    const ratio =
      (pixelMetres(window.z, window.tileSize) * Math.cos((source.centreLat * Math.PI) / 180)) /
      source.sourceMetres;
    const level = Math.max(0, Math.min(source.levels.length - 1, Math.floor(Math.log2(ratio))));
    const scale = 2 ** -level;
    // The coordinates' tolerance is in pixels of the level sampled: 2^level DEM pixels each.
    const coords = (scratch.coords = sourceCoordinates(
      block,
      source.projection,
      approximate,
      scratch.coords,
      COORDINATE_TOLERANCE / scale,
    ));
    if (scratch.elevation?.length !== block.width * block.height) {
      scratch.elevation = new Float64Array(block.width * block.height);
    }
    const elevation = scratch.elevation;
    sampleBilinear(source.levels[level]!, coords, elevation, scale, 0.5 * scale - 0.5);
    const box = validBox(elevation, block.width, block.height);
    if (!box) return undefined;
    const terrain = terrainOf(wanted);
    if (terrain.length > 0) {
      // Beyond the box of valid elevations every cell is nodata: only the box and the halo around it are shaded.
      const sub = {
        x: Math.max(0, box.x - halo),
        y: Math.max(0, box.y - halo),
        right: Math.min(block.width, box.right + halo),
        bottom: Math.min(block.height, box.bottom + halo),
      };
      const crop = {
        x: Math.max(halo, box.x),
        y: Math.max(halo, box.y),
        right: Math.min(halo + window.width, box.right),
        bottom: Math.min(halo + window.height, box.bottom),
      };
      if (crop.x >= crop.right || crop.y >= crop.bottom) return undefined;
      const width = sub.right - sub.x;
      const height = sub.bottom - sub.y;
      const place = { x: block.x + sub.x, y: block.y + sub.y, width, height };
      const values = terrainFields(
        {
          data:
            width === block.width && height === block.height
              ? elevation
              : copyBox(elevation, block.width, sub),
          width,
          height,
          frame,
          window: place,
          sampleType: source.sampleType,
        },
        terrain,
        source.tileTerrain,
        { x: crop.x - sub.x, y: crop.y - sub.y, width: crop.right - crop.x, height: crop.bottom - crop.y },
        height,
        webMercatorSpacing(block.z, block.tileSize, place),
      );
      for (const field of terrain) {
        const cropped = values[field]!;
        if (cropped.length === count) {
          fields[field] = cropped;
          continue;
        }
        // Into the tile's pixels, nodata around.
        const full = scratchField(field, count).fill(Number.NaN);
        const cropWidth = crop.right - crop.x;
        for (let j = crop.y; j < crop.bottom; j++) {
          const from = (j - crop.y) * cropWidth;
          full.set(cropped.subarray(from, from + cropWidth), (j - halo) * window.width + crop.x - halo);
        }
        fields[field] = full;
      }
    }
    if (wanted.includes("elevation")) {
      const values = scratchField("elevation", count);
      for (let j = 0; j < window.height; j++) {
        for (let i = 0; i < window.width; i++) {
          values[j * window.width + i] = elevation[(j + halo) * block.width + i + halo]!;
        }
      }
      fields.elevation = values;
    }
  }
  if (fields.elevation && source.metresPerUnit !== 1) {
    const h = fields.elevation;
    for (let k = 0; k < h.length; k++) h[k]! *= source.metresPerUnit;
  }
  const { channels } = source.product;
  const out = pixels?.length === count * channels ? pixels : new Uint8Array(count * channels);
  source.product.paint(fields, count, out);
  for (let k = channels - 1; k < out.length; k += channels) if (out[k] !== 0) return out;
  return undefined;
}
