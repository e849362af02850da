/**
 * `demgrad tiles`: one DEM, or many tiles of one pixel grid read as one mosaic, to a Web Mercator XYZ pyramid
 * (`{z}/{x}/{y}.png|webp` + tiles.json + a preview page) or a single PMTiles v3 archive. Only tiles with data are
 * written; nodata is transparent.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { AbortError, DemgradError, InputError, UsageError, type WarningHandler } from "../errors.js";
import { georefFromEpsg, verticalUnitFromName } from "../geo/georef.js";
import { spacingModel } from "../geo/spacing.js";
import type { Georef } from "../geo/types.js";
import { outputError, temporaryName } from "../io/atomic.js";
import { type ElevationSource, openDem } from "../io/dem-reader.js";
import type { SampleType } from "../io/sample-types.js";
import { expandInputs } from "../pipeline/batch.js";
import { derivativeSettings } from "../pipeline/derivative-plan.js";
import { buildMosaics, openSeamless } from "../pipeline/mosaic.js";
import {
  type ProcessOptions,
  type ResolvedOptions,
  refuseUnusedNoEdges,
  resolveOptions,
} from "../pipeline/options.js";
import { colourSetup, needsRange } from "../products/colour-options.js";
import { integer, oneOf } from "../validate.js";
import type { TileFormat } from "./encode.js";
import {
  defaultZooms,
  HALF_WORLD,
  type LonLatBounds,
  lonLatToMercator,
  pixelMetres,
  type TileRange,
  tileCount,
  tileRange,
} from "./mercator.js";
import { PmtilesWriter } from "./pmtiles.js";
import { writePreview } from "./preview.js";
import { TILE_PRODUCTS, type TileColour, type TileProductName, tileProduct } from "./products.js";
import { demBounds, demProjection } from "./projection.js";
import {
  footprintRows,
  isFineZoom,
  prepareSource,
  type TileSource,
  terrainParts,
  zoomFrame,
} from "./render.js";
import { type Affinity, startTilePool, type TilePool } from "./render-pool.js";
import type { PixelWindow } from "./resample.js";
import type { TerrainSettings } from "./shading.js";
import { type TileJson, tileJson } from "./tilejson.js";

export interface TilesOptions extends Omit<ProcessOptions, "onProgress" | "compress" | "stripRows"> {
  product?: TileProductName;
  /** `"8-14"`, `"12"` or `{ min, max }`; default from the DEM's resolution (see `defaultZooms`). */
  zoom?: string | { min: number; max: number };
  tileSize?: 256 | 512 | string | number;
  format?: TileFormat;
  /** Worker threads rendering tiles (default: the number of cores; 1 renders on the calling thread). */
  jobs?: number | string;
  /** Folder output: keep tiles that exist (written atomically, so an existing tile is complete). */
  resume?: boolean;
  /** Called after each tile with the tiles done and the total. */
  onTile?: (done: number, total: number) => void;
}

export interface TilesResult {
  output: string;
  kind: "folder" | "pmtiles";
  minzoom: number;
  maxzoom: number;
  bounds: LonLatBounds;
  /** Tiles written now, kept from an earlier run (--resume), and left out because they hold no data. */
  written: number;
  kept: number;
  empty: number;
  ranges: TileRange[];
  seconds: number;
  /**
   * Seconds from the start at which each phase ended: the DEM read and its overview levels built (`read`), the
   * full-resolution terrain computed (`terrain`; 0 when no zoom needs it), every tile written (`tiles`).
   */
  phases: { read: number; terrain: number; tiles: number };
}

interface Resolved {
  product: TileProductName;
  zoom: { min: number; max: number } | undefined;
  tileSize: number;
  format: TileFormat;
  jobs: number;
  resume: boolean;
  terrain: ResolvedOptions;
}

function parseZoom(value: TilesOptions["zoom"]): { min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "object") {
    const min = integer("minimum zoom", value.min, { min: 0, max: 24 });
    return { min, max: integer("maximum zoom", value.max, { min, max: 24 }) };
  }
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  if (!match) throw new UsageError(`Expected zoom like 8-14 or 12 for zoom but received "${value}"`);
  const min = integer("zoom", Number(match[1]), { min: 0, max: 24 });
  const max = integer("zoom", Number(match[2] ?? match[1]), { min: 0, max: 24 });
  if (max < min)
    throw new UsageError(`Expected zoom like 8-14 (lowest first) for zoom but received "${value}"`);
  return { min, max };
}

function resolveTilesOptions(options: TilesOptions): Resolved {
  const { product, zoom, tileSize, format, jobs, resume, onTile: _onTile, ...terrain } = options;
  return {
    product: oneOf("product", product ?? "hillshade", TILE_PRODUCTS),
    zoom: parseZoom(zoom),
    tileSize: Number(oneOf("tile size", String(tileSize ?? 256), ["256", "512"])),
    format: oneOf("format", format ?? "png", ["png", "webp"]),
    jobs: integer("jobs", jobs ?? availableParallelism(), { min: 1, max: 256 }),
    resume: resume === true,
    // Slope tiles are coloured by degrees, whatever --unit says.
    // Relief tiles are shaded as the relief product is: by the combined hillshade unless --variant says otherwise.
    terrain: {
      ...terrainOptions(
        product === "relief" && terrain.variant === undefined ? { ...terrain, variant: "combined" } : terrain,
      ),
      unit: "degree",
    },
  };
}

/** The terrain options, with `--no-edges` refused where no tile product uses it (tiles shade from the gradient). */
function terrainOptions(raw: ProcessOptions): ResolvedOptions {
  const resolved = resolveOptions(raw);
  refuseUnusedNoEdges(resolved, []);
  return resolved;
}

/** Opens one DEM, or many tiles of one grid as a single mosaic (the seamless batch machinery). */
async function openInputs(inputs: string[], opts: ResolvedOptions): Promise<ElevationSource> {
  const files = expandInputs(inputs);
  if (files.length === 0) throw new UsageError("no input DEM");
  const open = (file: string, warn: WarningHandler) =>
    openDem(file, { band: opts.band, nodata: opts.nodata, warn });
  if (files.length === 1) return open(files[0]!, opts.warn);
  const georefs = [];
  for (const file of files) {
    const dem = await open(file, opts.warn);
    georefs.push({ input: file, georef: dem.georef });
    await dem.close();
  }
  const mosaics = buildMosaics(georefs, opts.warn);
  const mosaic = mosaics.get(files[0]!);
  if (!mosaic || files.some((f) => mosaics.get(f) !== mosaic)) {
    throw new UsageError("the inputs are not tiles of one pixel grid (same CRS, pixel size and alignment)", {
      file: files.find((f) => mosaics.get(f) !== mosaic) ?? files[0]!,
    });
  }
  const first = mosaic.tiles[0]!;
  const { handle } = await openSeamless(
    {
      mosaic: mosaic.georef,
      window: { x: 0, y: 0, width: mosaic.georef.width, height: mosaic.georef.height },
      crop: { x: first.col, y: first.row, width: first.width, height: first.height },
      neighbours: mosaic.tiles,
      tileGeoref: mosaic.georef,
    },
    { band: opts.band, nodata: opts.nodata, warn: () => {} },
  );
  return handle;
}

/**
 * Prepares the source and the zoom range of a DEM. `prepare.deferTerrain` leaves the full-resolution terrain to
 * the caller (`terrainParts`); `prepare.shared` puts the arrays in shared memory for worker threads.
 */
async function loadSource(
  dem: ElevationSource,
  opts: Resolved,
  prepare: { deferTerrain?: boolean; shared?: boolean } = {},
): Promise<LoadedSource> {
  const { georef, width, height } = dem;
  const projection = demProjection(georef);
  const bounds = demBounds(projection, width, height);
  const spacing = spacingModel(georef, {
    mode: opts.terrain.spacing,
    xscale: opts.terrain.xscale,
    yscale: opts.terrain.yscale,
    warn: opts.terrain.warn,
  });
  const row = Math.max(0, Math.min(height - 2, Math.floor(height / 2)));
  const col = Math.max(0, Math.min(width - 2, Math.floor(width / 2)));
  const dx = new Float64Array(Math.max(1, width));
  const dy = new Float64Array(Math.max(1, width));
  spacing.xSteps(row, dx);
  spacing.ySteps(row, dy);
  const sourceMetres = Math.min(dx[col]!, dy[col]!);
  const centreLat = projection.toLonLat((width - 1) / 2, (height - 1) / 2)[1];
  const [x0, y0] = lonLatToMercator(bounds.west, bounds.south);
  const [x1, y1] = lonLatToMercator(bounds.east, bounds.north);
  const zooms = opts.zoom
    ? { minzoom: opts.zoom.min, maxzoom: opts.zoom.max }
    : defaultZooms(sourceMetres, centreLat, { width: x1 - x0, height: y1 - y0 }, opts.tileSize);
  const elevation = await dem.readRows(0, height);
  const unitMetres = opts.terrain.verticalUnit
    ? verticalUnitFromName(opts.terrain.verticalUnit).metres
    : georef.verticalUnit.metres;
  const finest = pixelMetres(zooms.maxzoom, opts.tileSize) * Math.cos((centreLat * Math.PI) / 180);
  const mercator = zoomGeoref(0, opts.tileSize, georef);
  const source = prepareSource(
    {
      projection,
      georef,
      sampleType: dem.sampleType,
      elevation: { data: elevation, width, height },
      sourceMetres,
      centreLat,
      metresPerUnit: unitMetres,
      demTerrain: terrainSettings(georef, dem.sampleType, opts.terrain),
      tileTerrain: terrainSettings(mercator, dem.sampleType, opts.terrain),
      mercator,
      product: tileProduct(opts.product, tileColour(opts, elevation, dem.nodata, unitMetres)),
    },
    // Shading at the DEM's resolution serves only zooms at least as fine as the DEM.
    { fullResolution: finest <= sourceMetres, ...prepare },
  );
  return { source, bounds, ...zooms };
}

/**
 * The colour table of colour-relief and relief tiles (`--ramp`, `--color-file`, as for the products), with its
 * entries converted to metres (tiles colour elevations in metres); undefined for the other products. Percentages
 * are of the DEM's own range.
 */
function tileColour(
  opts: Resolved,
  elevation: Float64Array,
  nodata: number | undefined,
  unitMetres: number,
): TileColour | undefined {
  if (opts.product !== "color-relief" && opts.product !== "relief") return undefined;
  let range: { min: number; max: number } | undefined;
  if (needsRange(opts.terrain)) {
    let [min, max] = [Infinity, -Infinity];
    for (const v of elevation) if (v === v) [min, max] = [Math.min(min, v), Math.max(max, v)];
    range = min <= max ? { min, max } : undefined;
  }
  const { lut, selection } = colourSetup(opts.terrain, { nodata, unitMetres, range });
  return { lut: { values: lut.values.map((v) => v * unitMetres), rgba: lut.rgba }, selection };
}

async function load(
  inputs: string[],
  opts: Resolved,
  prepare?: { deferTerrain?: boolean; shared?: boolean },
): Promise<LoadedSource> {
  const dem = await openInputs(inputs, opts.terrain);
  try {
    return await loadSource(dem, opts, prepare);
  } catch (error) {
    // Georeferencing problems name the DEM.
    if (error instanceof DemgradError && error.file === undefined) error.file = dem.source;
    throw error;
  } finally {
    await dem.close();
  }
}

/** A DEM (or mosaic) read and prepared for rendering tiles, with its bounds and zoom range. */
export interface LoadedSource {
  source: TileSource;
  bounds: LonLatBounds;
  minzoom: number;
  maxzoom: number;
}

/**
 * Reads and prepares the DEM(s) of `writeTiles` without writing anything (for rendering windows of tiles directly).
 *
 * @example
 * ```ts
 * const { source, maxzoom } = await loadTileSource(["dem.tif"], { product: "hillshade" });
 * ```
 */
export async function loadTileSource(inputs: string[], options: TilesOptions = {}): Promise<LoadedSource> {
  return load(inputs, resolveTilesOptions(options));
}

/** Which rows of the full-resolution terrain are done: parts finish in any order, rows count from the top. */
class RowProgress {
  private readonly finished: boolean[];
  private rows = 0;
  private readonly waiting: Array<{ row: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly parts: ReadonlyArray<{ first: number; rows: number }>) {
    this.finished = parts.map(() => false);
  }

  /** Part `k` is done. */
  done(k: number): void {
    this.finished[k] = true;
    let n = 0;
    while (n < this.parts.length && this.finished[n]) n++;
    const last = this.parts[n - 1];
    this.rows = last ? last.first + last.rows : 0;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.row < this.rows) this.waiting.splice(i, 1)[0]!.resolve();
    }
  }

  /** A part failed: whoever waits, and waits later, gets the error. */
  fail(error: unknown): void {
    this.failure = { error };
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  /** Resolves once rows 0 … `row` are done (at once without parts: no zoom reads them). */
  until(row: number): Promise<void> {
    if (this.parts.length === 0 || row < this.rows) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure.error);
    return new Promise((resolve, reject) => this.waiting.push({ row, resolve, reject }));
  }
}

const zoomGrids = new WeakMap<Georef, Map<number, Georef>>();

/**
 * The georeferencing of the whole pixel grid of zoom `z` (EPSG:3857, `tileSize · 2^z` pixels square), with the
 * vertical unit of the DEM's `like`, cached.
 *
 * @example
 * ```ts
 * const grid = zoomGeoref(12, 256, dem.georef); // 1 048 576 pixels square, 9.55 m pixels
 * ```
 */
export function zoomGeoref(z: number, tileSize: number, like: Georef): Georef {
  let cache = zoomGrids.get(like);
  if (!cache) zoomGrids.set(like, (cache = new Map()));
  let zero = cache.get(tileSize);
  if (!zero) {
    const res = pixelMetres(0, tileSize);
    const georef = georefFromEpsg(3857, [-HALF_WORLD, res, 0, HALF_WORLD, 0, -res], {
      width: tileSize,
      height: tileSize,
    });
    cache.set(tileSize, (zero = { ...georef, verticalUnit: like.verticalUnit }));
  }
  return z === 0 ? zero : zoomFrame(zero, z, tileSize);
}

/** The derivative settings of a grid, as the pipeline resolves them (plain data for the tile workers). */
function terrainSettings(georef: Georef, sampleType: SampleType, opts: ResolvedOptions): TerrainSettings {
  const { derivative, zMultiplier, unitMetres } = derivativeSettings({ georef, sampleType }, opts);
  // The caller's functions stay on this thread.
  const { onProgress, signal, warn, ...options } = opts;
  return { derivative, zMultiplier, unitMetres, options };
}

function canonical(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    return resolve(path);
  }
}

function packageVersion(): string {
  try {
    const url = new URL("../../package.json", import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/**
 * Writes the web map tiles of one DEM (or of many tiles of one grid, as one mosaic).
 *
 * @example
 * ```ts
 * await writeTiles(["dem.tif"], "tiles", { product: "hillshade", zoom: "10-13" });
 * await writeTiles(["dem.tif"], "dem.pmtiles", { product: "terrain-rgb", format: "webp" });
 * ```
 */
export async function writeTiles(
  inputs: string[],
  output: string,
  options: TilesOptions = {},
): Promise<TilesResult> {
  const started = performance.now();
  const opts = resolveTilesOptions(options);
  const kind = extname(output).toLowerCase() === ".pmtiles" ? "pmtiles" : "folder";
  if (kind === "pmtiles" && opts.resume) {
    throw new UsageError("--resume works with a tile folder; a PMTiles archive is written in one go", {
      file: output,
    });
  }
  const target = canonical(output);
  for (const input of inputs) {
    if (!/^https?:/.test(input) && canonical(input) === target) {
      throw new UsageError("output would overwrite the input DEM", { file: output });
    }
  }
  if (opts.terrain.signal?.aborted) throw new AbortError();
  // Workers start now and load their modules while this thread reads the DEM.
  const pool = startTilePool(opts.jobs);
  try {
    return await writePyramid(inputs, output, kind, opts, options.onTile, pool, started);
  } finally {
    await pool.close();
  }
}

/** `writeTiles` once its options are checked, with its threads. */
async function writePyramid(
  inputs: string[],
  output: string,
  kind: TilesResult["kind"],
  opts: Resolved,
  onTile: TilesOptions["onTile"],
  pool: TilePool,
  started: number,
): Promise<TilesResult> {
  const signal = opts.terrain.signal;
  const loaded = await load(inputs, opts, { deferTerrain: true, shared: pool.parallelism > 1 });
  const { source, bounds, minzoom, maxzoom } = loaded;
  const since = () => (performance.now() - started) / 1000;
  const phases = { read: since(), terrain: 0, tiles: 0 };
  const ranges: TileRange[] = [];
  for (let z = minzoom; z <= maxzoom; z++) ranges.push(tileRange(bounds, z));
  const fine = ranges.filter((r) => isFineZoom(source, r.z, opts.tileSize));
  const coarse = ranges.filter((r) => !isFineZoom(source, r.z, opts.tileSize));
  // Without fine zooms the calling thread has nothing else to do than help with the terrain.
  pool.load(source, opts.format, { callerShades: fine.length === 0 });
  // The full-resolution terrain, in parts from the first row down: a fine zoom's tile renders once the rows it
  // reads are done, while coarse zooms need none of them.
  const parts = terrainParts(source, pool.parallelism);
  const progress = new RowProgress(parts);
  const terrain = Promise.all(
    parts.map((part, k) => pool.terrain(part.first, part.rows).then(() => progress.done(k))),
  ).then(
    () => {
      if (parts.length > 0) phases.terrain = since();
    },
    (error) => {
      progress.fail(error);
      throw error;
    },
  );
  const total = ranges.reduce((n, r) => n + tileCount(r), 0);

  if (kind === "folder")
    await mkdir(output, { recursive: true }).catch((error) => {
      throw outputError(output, error);
    });
  else if (!existsSync(dirname(resolve(output)))) {
    throw new UsageError("the output folder does not exist: create it first", { file: output });
  }
  const archive = kind === "pmtiles" ? new PmtilesWriter(output) : undefined;
  const product = source.product;
  let written = 0;
  let kept = 0;
  let empty = 0;
  let done = 0;
  const tileFile = (z: number, x: number, y: number) =>
    join(output, String(z), String(x), `${y}.${opts.format}`);
  // Tile folders made so far: each is made once.
  const folders = new Set<string>();
  // A tile is a few kilobytes: written synchronously, it costs less than the round trips of asynchronous calls.
  const store = (z: number, x: number, y: number, data: Uint8Array) => {
    if (archive) archive.add(z, x, y, data);
    else {
      const path = tileFile(z, x, y);
      const temporary = temporaryName(path);
      try {
        if (!folders.has(dirname(path))) {
          mkdirSync(dirname(path), { recursive: true });
          folders.add(dirname(path));
        }
        writeFileSync(temporary, data, { flag: "wx" });
        renameSync(temporary, path);
      } catch (error) {
        try {
          unlinkSync(temporary);
        } catch {
          // Nothing was written.
        }
        throw outputError(path, error);
      }
    }
    written++;
  };
  // Tiles rendering, encoding or being written; the first failure stops the run.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const track = (task: Promise<void>, also?: Set<Promise<void>>) => {
    const tracked = task
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => {
        inFlight.delete(tracked);
        also?.delete(tracked);
      });
    inFlight.add(tracked);
    also?.add(tracked);
  };
  track(terrain);
  /** Queues the tiles of some zooms, in order, `before` each one; enough in flight to keep the threads busy. */
  const queue = async (
    zooms: TileRange[],
    affinity: Affinity,
    before?: (w: PixelWindow) => Promise<void>,
  ) => {
    const mine = new Set<Promise<void>>();
    for (const range of zooms) {
      for (let y = range.minY; y <= range.maxY; y++) {
        for (let x = range.minX; x <= range.maxX; x++) {
          if (signal?.aborted) throw new AbortError();
          if (failure) throw failure;
          if (opts.resume && existsSync(tileFile(range.z, x, y))) {
            kept++;
            onTile?.(++done, total);
            continue;
          }
          const window = {
            z: range.z,
            tileSize: opts.tileSize,
            x: x * opts.tileSize,
            y: y * opts.tileSize,
            width: opts.tileSize,
            height: opts.tileSize,
          };
          await before?.(window);
          const { z } = range;
          const task = pool.render(window, affinity).then((image) => {
            if (image) store(z, x, y, image);
            else empty++;
            onTile?.(++done, total);
          });
          track(task, mine);
          // Enough tiles queued to keep the threads and the threadpool busy, and no more (memory).
          while (mine.size >= 2 * pool.parallelism + 2) await Promise.race(mine);
        }
      }
    }
    while (mine.size > 0) await Promise.race(mine);
  };
  try {
    // Coarse tiles shade their own grid (terrain work) unless the product is made of elevations only.
    const shades = source.product.fields.some((f) => f !== "elevation");
    await Promise.all([
      queue(coarse, shades ? "terrain" : "any"),
      queue(fine, "any", (window) => progress.until(footprintRows(source, window).last)),
    ]);
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (failure) throw failure;
    phases.tiles = since();
    if (written + kept === 0) {
      throw new InputError(`no tile of zooms ${minzoom}–${maxzoom} holds data`, { file: inputs[0] });
    }
    const tiles = tileJson({
      name: basename(inputs[0]!).replace(/\.[^.]*$/, ""),
      product,
      format: opts.format,
      tileSize: opts.tileSize,
      minzoom,
      maxzoom,
      bounds,
      version: packageVersion(),
    });
    if (archive) {
      const { tiles: _relative, ...metadata } = tiles;
      await archive.finish({ tileType: opts.format, minzoom, maxzoom, bounds, metadata });
    } else {
      await writeFile(join(output, "tiles.json"), `${JSON.stringify(tiles, null, 2)}\n`);
      await writePreview(output, tiles);
    }
  } catch (error) {
    await Promise.allSettled(inFlight);
    await archive?.discard();
    throw error;
  }
  return {
    output,
    kind,
    minzoom,
    maxzoom,
    bounds,
    written,
    kept,
    empty,
    ranges,
    seconds: since(),
    phases,
  };
}

export type { TileJson };
