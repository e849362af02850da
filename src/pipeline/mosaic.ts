/**
 * Seamless tiles: tiles on one pixel grid form a mosaic; each tile is processed from a window of the mosaic that
 * adds a halo of its neighbours' cells, with the mosaic's ground spacing, so the tiled outputs equal processing
 * the merged DEM at once.
 */
import type { WarningHandler } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { type ElevationSource, openDem } from "../io/dem-reader.js";
import { type Piece, paintWindow } from "../io/window-fill.js";
import type { ElevationRange } from "./elevation-range.js";
import { type ProcessOptions, resolveOptions } from "./options.js";
import type { OutputPart } from "./process.js";

/** Cells of halo read around each tile (the widest stencil: second-order one-sided differences at holes). */
export const SEAMLESS_HALO = 2;

/** Where one tile lies in its mosaic. */
export interface MosaicTile {
  input: string;
  col: number;
  row: number;
  width: number;
  height: number;
}

/** Tiles sharing a CRS and pixel grid, and the georeferencing of their bounding grid. */
export interface Mosaic {
  georef: Georef;
  tiles: MosaicTile[];
}

/** A tile's seamless job: the mosaic window to read (its neighbours within it) and the tile's place in it. */
export interface SeamlessPlan {
  mosaic: Georef;
  window: { x: number; y: number; width: number; height: number };
  crop: { x: number; y: number; width: number; height: number };
  neighbours: MosaicTile[];
  tileGeoref: Georef;
  /** The whole mosaic's elevation range, when a requested product needs one. */
  elevationRange?: ElevationRange | undefined;
}

const gridKey = (g: Georef) =>
  g.geoTransform && g.geoTransform[2] === 0 && g.geoTransform[4] === 0
    ? JSON.stringify([g.crs.proj4 ?? g.crs.epsg ?? "", g.geoTransform[1], g.geoTransform[5]])
    : undefined;

/**
 * Groups tiles into mosaics by CRS and pixel size, and places each on its mosaic's grid. Tiles whose origins are
 * not a whole number of pixels apart from the others are left out (with a warning): they are processed alone.
 */
export function buildMosaics(
  tiles: Array<{ input: string; georef: Georef }>,
  warn: WarningHandler,
): Map<string, Mosaic> {
  const groups = new Map<string, Array<{ input: string; georef: Georef }>>();
  for (const tile of tiles) {
    const key = gridKey(tile.georef);
    if (key === undefined) continue;
    groups.set(key, [...(groups.get(key) ?? []), tile]);
  }
  const byTile = new Map<string, Mosaic>();
  for (const group of groups.values()) {
    const gt = group[0]!.georef.geoTransform!;
    // The grid most tiles share: tiles keyed by their corner's offset within a pixel of the first tile's grid.
    const phase = (t: { georef: Georef }) => {
      const g = t.georef.geoTransform!;
      const fx = ((((g[0] - gt[0]) / gt[1]) % 1) + 1) % 1;
      const fy = ((((g[3] - gt[3]) / gt[5]) % 1) + 1) % 1;
      return `${Math.round(fx * 1e6) % 1e6},${Math.round(fy * 1e6) % 1e6}`;
    };
    const phases = new Map<string, number>();
    for (const t of group) phases.set(phase(t), (phases.get(phase(t)) ?? 0) + 1);
    const common = [...phases].sort((a, b) => b[1] - a[1])[0]![0];
    const onGrid = group.filter((t) => phase(t) === common);
    // The origin is an actual tile's corner, so the mosaic grid reproduces its coordinates exactly.
    const originX = onGrid.reduce(
      (o, t) => (gt[1] > 0 ? Math.min(o, t.georef.geoTransform![0]) : Math.max(o, t.georef.geoTransform![0])),
      onGrid[0]!.georef.geoTransform![0],
    );
    const originY = onGrid.reduce(
      (o, t) => (gt[5] < 0 ? Math.max(o, t.georef.geoTransform![3]) : Math.min(o, t.georef.geoTransform![3])),
      onGrid[0]!.georef.geoTransform![3],
    );
    const placed: MosaicTile[] = [];
    for (const t of group) {
      const col = (t.georef.geoTransform![0] - originX) / gt[1];
      const row = (t.georef.geoTransform![3] - originY) / gt[5];
      if (Math.abs(col - Math.round(col)) > 1e-6 || Math.abs(row - Math.round(row)) > 1e-6) {
        warn(`${t.input}: not aligned with the pixel grid of the other tiles: processed alone`);
        continue;
      }
      placed.push({
        input: t.input,
        col: Math.round(col),
        row: Math.round(row),
        width: t.georef.width,
        height: t.georef.height,
      });
    }
    const width = Math.max(...placed.map((t) => t.col + t.width));
    const height = Math.max(...placed.map((t) => t.row + t.height));
    const first = group[0]!.georef;
    const mosaic: Mosaic = {
      georef: { ...first, width, height, geoTransform: [originX, gt[1], 0, originY, 0, gt[5]] },
      tiles: placed,
    };
    for (const t of placed) byTile.set(t.input, mosaic);
  }
  return byTile;
}

/** The window of the mosaic to read for one tile, and the neighbours that fill it. */
export function seamlessPlan(mosaic: Mosaic, input: string, tileGeoref: Georef): SeamlessPlan {
  const tile = mosaic.tiles.find((t) => t.input === input)!;
  const x = Math.max(0, tile.col - SEAMLESS_HALO);
  const y = Math.max(0, tile.row - SEAMLESS_HALO);
  const window = {
    x,
    y,
    width: Math.min(mosaic.georef.width, tile.col + tile.width + SEAMLESS_HALO) - x,
    height: Math.min(mosaic.georef.height, tile.row + tile.height + SEAMLESS_HALO) - y,
  };
  const neighbours = mosaic.tiles.filter(
    (t) =>
      t.col < window.x + window.width &&
      t.col + t.width > window.x &&
      t.row < window.y + window.height &&
      t.row + t.height > window.y,
  );
  return {
    mosaic: mosaic.georef,
    window,
    crop: { x: tile.col - x, y: tile.row - y, width: tile.width, height: tile.height },
    neighbours,
    tileGeoref,
  };
}

/**
 * Opens a tile's seamless window as one DEM: cells of every neighbour inside it, NaN where the mosaic has no tile.
 * Returns the handle and the `OutputPart` that crops the results back to the tile.
 */
export async function openSeamless(
  plan: SeamlessPlan,
  options: ProcessOptions,
): Promise<{ handle: ElevationSource; part: OutputPart }> {
  const opts = resolveOptions(options);
  const handles = await Promise.all(
    plan.neighbours.map(async (t) => ({
      tile: t,
      dem: await openDem(t.input, { band: opts.band, nodata: opts.nodata, warn: () => {} }),
    })),
  );
  const own = handles.find(
    (h) => h.tile.col - plan.window.x === plan.crop.x && h.tile.row - plan.window.y === plan.crop.y,
  )!.dem;
  const { window } = plan;
  const pieces: Piece[] = handles.map(({ tile, dem }) => ({
    rect: { x: tile.col, y: tile.row, width: tile.width, height: tile.height },
    async paint(region, result, target) {
      const rows = await dem.readRows(region.y - tile.row, region.height);
      for (let r = 0; r < region.height; r++) {
        const from = r * tile.width + (region.x - tile.col);
        result.set(
          rows.subarray(from, from + region.width),
          (region.y + r - target.y) * target.width + (region.x - target.x),
        );
      }
    },
  }));
  // Only what the driver reads: the window's own size and georeferencing, the tile's name and sample type.
  const handle: ElevationSource = {
    source: own.source,
    sampleType: own.sampleType,
    nodata: own.nodata,
    width: window.width,
    height: window.height,
    georef: { ...plan.tileGeoref, width: window.width, height: window.height },
    async readRows(firstRow, rowCount, out) {
      const result = out ?? new Float64Array(rowCount * window.width);
      result.fill(Number.NaN);
      await paintWindow(
        { x: window.x, y: window.y + firstRow, width: window.width, height: rowCount },
        pieces,
        result,
      );
      return result;
    },
    async close() {
      await Promise.all(handles.map((h) => h.dem.close()));
    },
  };
  return {
    handle,
    part: {
      crop: plan.crop,
      georef: plan.tileGeoref,
      spacingFrame: { georef: plan.mosaic, window },
      elevationRange: plan.elevationRange,
    },
  };
}
