/**
 * Renders windows of a zoom level's pixel grid from a DEM held in memory. At zooms whose pixel is at least as fine
 * as the DEM's, terrain fields are computed once at the DEM's resolution and resampled into the tile; at coarser
 * zooms the DEM is first resampled to the zoom's own grid (from the overview level just finer than it) with a halo
 * from beyond the tile, and shaded there. Either way a tile's edge pixels come from the DEM beyond it, so tiles
 * are seamless.
 */
import { georefFromEpsg } from "../geo/georef.js";
import type { Georef } from "../geo/types.js";
import type { SampleType } from "../io/sample-types.js";
import { HALF_WORLD, pixelMetres } from "./mercator.js";
import { webMercatorSpacing } from "./mercator-spacing.js";
import type { Field, FieldValues, TerrainField, TileProduct } from "./products.js";
import type { DemProjection } from "./projection.js";
import {
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
  product: TileProduct;
}

/**
 * Builds the overview levels and the full-resolution terrain fields the product needs — unless no zoom to be
 * rendered is fine enough to use them (`fullResolution: false`).
 */
export function prepareSource(
  base: Omit<TileSource, "levels" | "full"> & { elevation: Grid },
  { fullResolution = true, maxLevels = 24 } = {},
): TileSource {
  const levels: Grid[] = [base.elevation];
  while (levels.length < maxLevels) {
    const last = levels[levels.length - 1]!;
    if (last.width <= 2 && last.height <= 2) break;
    levels.push(halve(last));
  }
  const terrain = terrainOf(base.product.fields);
  const full: TileSource["full"] = {};
  if (terrain.length > 0 && fullResolution) {
    const { width, height } = base.elevation;
    const fields = terrainFields(
      {
        data: asFloat64(base.elevation.data),
        width,
        height,
        frame: base.georef,
        sampleType: base.sampleType,
      },
      terrain,
      base.demTerrain,
    );
    for (const f of terrain) full[f] = { data: fields[f]!, width, height };
  }
  const { elevation: _e, ...rest } = base;
  return { ...rest, levels, full };
}

function asFloat64(data: Float32Array | Float64Array): Float64Array {
  return data instanceof Float64Array ? data : Float64Array.from(data);
}

function terrainOf(fields: readonly Field[]): TerrainField[] {
  return fields.filter((f): f is TerrainField => f !== "elevation");
}

/** Whether zoom `z` is rendered from terrain fields at the DEM's resolution (pixel at least as fine as the DEM's). */
export function isFineZoom(source: TileSource, z: number, tileSize: number): boolean {
  return pixelMetres(z, tileSize) * Math.cos((source.centreLat * Math.PI) / 180) <= source.sourceMetres;
}

const frames = new WeakMap<Georef, Map<string, Georef>>();

/** The georeferencing of the whole pixel grid of zoom `z` (the frame of a tile block's ground spacing), cached. */
export function zoomGeoref(z: number, tileSize: number, like: Georef): Georef {
  let cache = frames.get(like);
  if (!cache) frames.set(like, (cache = new Map()));
  const key = `${z}/${tileSize}`;
  let frame = cache.get(key);
  if (!frame) cache.set(key, (frame = makeZoomGeoref(z, tileSize, like)));
  return frame;
}

function makeZoomGeoref(z: number, tileSize: number, like: Georef): Georef {
  const res = pixelMetres(z, tileSize);
  const size = tileSize * 2 ** z;
  const georef = georefFromEpsg(3857, [-HALF_WORLD, res, 0, HALF_WORLD, 0, -res], {
    width: size,
    height: size,
  });
  return { ...georef, verticalUnit: like.verticalUnit };
}

/** Arrays every window of one size needs only while it renders, kept for the next (rendering is synchronous). */
const scratch: { coords?: SourceCoordinates; elevation?: Float64Array } = {};

/**
 * The pixels of a window of zoom `window.z` (`channels` bytes each), or undefined when no pixel has data.
 * `approximate: false` computes every pixel's inverse projection exactly (see `sourceCoordinates`).
 *
 * @example
 * ```ts
 * const tile = renderWindow(source, { z: 12, tileSize: 256, x: 256 * 812, y: 256 * 1470, width: 256, height: 256 });
 * ```
 */
export function renderWindow(
  source: TileSource,
  window: PixelWindow,
  frame: Georef = zoomGeoref(window.z, window.tileSize, source.georef),
  approximate = true,
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
      const values = new Float32Array(count);
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
    const coords = (scratch.coords = sourceCoordinates(
      block,
      source.projection,
      approximate,
      scratch.coords,
    ));
    const ratio =
      (pixelMetres(window.z, window.tileSize) * Math.cos((source.centreLat * Math.PI) / 180)) /
      source.sourceMetres;
    const level = Math.max(0, Math.min(source.levels.length - 1, Math.floor(Math.log2(ratio))));
    const scale = 2 ** -level;
    if (scratch.elevation?.length !== block.width * block.height) {
      scratch.elevation = new Float64Array(block.width * block.height);
    }
    const elevation = scratch.elevation;
    sampleBilinear(source.levels[level]!, coords, elevation, scale, 0.5 * scale - 0.5);
    const crop = { x: halo, y: halo, width: window.width, height: window.height };
    const terrain = terrainOf(wanted);
    if (terrain.length > 0) {
      Object.assign(
        fields,
        terrainFields(
          {
            data: elevation,
            width: block.width,
            height: block.height,
            frame,
            window: { x: block.x, y: block.y, width: block.width, height: block.height },
            sampleType: source.sampleType,
          },
          terrain,
          source.tileTerrain,
          crop,
          block.height,
          webMercatorSpacing(block.z, block.tileSize, block),
        ),
      );
    }
    if (wanted.includes("elevation")) {
      const values = new Float32Array(count);
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
  const pixels = new Uint8Array(count * source.product.channels);
  source.product.paint(fields, count, pixels);
  const alpha = source.product.channels - 1;
  for (let k = alpha; k < pixels.length; k += source.product.channels) if (pixels[k] !== 0) return pixels;
  return undefined;
}
