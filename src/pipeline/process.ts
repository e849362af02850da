/**
 * The streaming one-pass driver: reads the DEM in row strips with the halo the method needs, computes every
 * requested product from one read and streams the rows into the writers. It owns all reading, writing, edges and
 * nodata; the kernels it calls are pure.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { AbortError, DemgradError, UsageError } from "../errors.js";
import { verticalUnitFromName } from "../geo/georef.js";
import { spacingModel } from "../geo/spacing.js";
import type { Georef, SpacingModel } from "../geo/types.js";
import type { DemHandle, DemSource } from "../io/dem-reader.js";
import { openDem } from "../io/dem-reader.js";
import {
  createRasterWriter,
  outputFormat,
  type RasterWriter,
  type RasterWriterOptions,
} from "../io/geotiff-writer.js";
import { aspect } from "../terrain/aspect.js";
import { computeDerivatives, derivativeHalo } from "../terrain/derivatives.js";
import { hillshade } from "../terrain/hillshade.js";
import { slope } from "../terrain/slope.js";
import type { DerivativeOptions, GradientStrip } from "../terrain/types.js";
import { type ProcessOptions, type ResolvedOptions, resolveOptions } from "./options.js";

/**
 * Writing only part of what is read: a tile processed with a halo from its neighbours reads a larger window of the
 * mosaic (`dem`), takes its ground spacing from the mosaic (`spacing`), and writes just its own cells (`crop`) with
 * its own georeferencing.
 */
export interface OutputPart {
  crop: { x: number; y: number; width: number; height: number };
  georef: Georef;
  spacing: SpacingModel;
}

/** The products of DESIGN §1 and where to write each (any subset, at least one). */
export interface ProductOutputs {
  slope?: string;
  aspect?: string;
  hillshade?: string;
  gradient?: string;
}

export type Product = keyof ProductOutputs;
export const PRODUCTS: readonly Product[] = ["slope", "aspect", "hillshade", "gradient"];

/** What a run did. */
export interface ProcessResult {
  width: number;
  height: number;
  outputs: ProductOutputs;
  seconds: number;
}

/** Slope, aspect and gradient nodata (DESIGN §2); hillshade uses 0. */
export const FLOAT_NODATA = -9999;

/**
 * Computes the requested products of one DEM in a single streaming pass.
 *
 * @example
 * ```ts
 * import { processDem } from "demgrad";
 * await processDem("dem.tif", { slope: "slope.tif", hillshade: "shade.png" }, {
 *   azimuth: 300, onProgress: (done, total) => console.log(`${done}/${total} rows`),
 * });
 * ```
 */
export async function processDem(
  input: DemSource | DemHandle,
  outputs: ProductOutputs,
  options: ProcessOptions = {},
  part?: OutputPart,
): Promise<ProcessResult> {
  const started = performance.now();
  const opts = resolveOptions(options);
  const wanted = PRODUCTS.filter((p) => outputs[p] !== undefined);
  if (wanted.length === 0) throw new UsageError("no output requested");
  checkOutputs(input, outputs, wanted);
  throwIfAborted(opts.signal);

  const ownsHandle = !isHandle(input);
  const dem = isHandle(input)
    ? input
    : await openDem(input, { band: opts.band, nodata: opts.nodata, warn: opts.warn });
  const writers: RasterWriter[] = [];
  try {
    const context = derivativeContext(dem, opts, part?.spacing);
    const crop = part?.crop ?? { x: 0, y: 0, width: dem.width, height: dem.height };
    const georef = part?.georef ?? dem.georef;
    const sinks = await openSinks({ ...crop, georef }, context.spacing, outputs, wanted, opts, writers);
    await streamStrips(
      dem,
      context,
      opts,
      async (grad, bearings) => {
        for (const sink of sinks) await sink(grad, bearings);
      },
      stripRowsFor(dem.width),
      crop,
    );
    for (const writer of writers) await writer.finish();
    return { width: crop.width, height: crop.height, outputs, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await Promise.allSettled(writers.map((w) => w.abort()));
    // Errors about the DEM's georeferencing or values name the DEM.
    if (error instanceof DemgradError && error.file === undefined) error.file = dem.source;
    throw error;
  } finally {
    if (ownsHandle) await dem.close();
  }
}

function isHandle(input: DemSource | DemHandle): input is DemHandle {
  return typeof input === "object" && input !== null && "readRows" in input;
}

/** Refuses unknown extensions, non-GeoTIFF float products, and writing over the input — before any work. */
function checkOutputs(input: DemSource | DemHandle, outputs: ProductOutputs, wanted: Product[]): void {
  const inputPath =
    typeof input === "string" ? canonical(input) : isHandle(input) ? canonical(input.source) : "";
  const seen = new Set<string>();
  for (const product of wanted) {
    const path = outputs[product]!;
    const format = outputFormat(path);
    if (format === "png" && product !== "hillshade") {
      throw new UsageError(`${product} is written as GeoTIFF: use a .tif name`, { file: path });
    }
    const target = canonical(path);
    if (target === inputPath) throw new UsageError("output would overwrite the input DEM", { file: path });
    if (seen.has(target)) throw new UsageError("the same output file is given twice", { file: path });
    seen.add(target);
  }
}

function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/** Everything the derivative kernels need, resolved from the DEM's georeferencing and the options. */
export interface DerivativeContext {
  derivative: DerivativeOptions;
  /** Multiplies stored elevations into metres times the z-factor. */
  zMultiplier: number;
  spacing: SpacingModel;
}

export function derivativeContext(
  dem: Pick<DemHandle, "georef" | "sampleType">,
  opts: ResolvedOptions,
  spacingOverride?: SpacingModel,
): DerivativeContext {
  const unitMetres = opts.verticalUnit
    ? verticalUnitFromName(opts.verticalUnit).metres
    : dem.georef.verticalUnit.metres;
  const spacing =
    spacingOverride ??
    spacingModel(dem.georef, {
      mode: opts.spacing,
      xscale: opts.xscale,
      yscale: opts.yscale,
      warn: opts.warn,
    });
  const gt = dem.georef.geoTransform;
  return {
    spacing,
    zMultiplier: unitMetres * opts.zFactor,
    derivative: {
      method: opts.method,
      edgeOrder: opts.edgeOrder,
      edges: opts.edges,
      spacing,
      xSign: gt && gt[1] < 0 ? -1 : 1,
      ySign: gt && gt[5] > 0 ? 1 : -1,
      float32Sums: opts.compat && !["UInt8", "Int16", "UInt16"].includes(dem.sampleType),
    },
  };
}

type Sink = (grad: GradientStrip, northBearing: Float64Array | undefined) => Promise<void>;

/** Opens one writer per product and returns the functions that turn a gradient strip into its rows. */
async function openSinks(
  dem: { width: number; height: number; georef: Georef },
  spacing: SpacingModel,
  outputs: ProductOutputs,
  wanted: Product[],
  opts: ResolvedOptions,
  writers: RasterWriter[],
): Promise<Sink[]> {
  const base = {
    width: dem.width,
    height: dem.height,
    georef: dem.georef,
    compress: opts.compress,
    signal: opts.signal,
  };
  const sinks: Sink[] = [];
  const open = async (path: string, options: Omit<RasterWriterOptions, "width" | "height">) => {
    const writer = await createRasterWriter(path, { ...base, ...options });
    writers.push(writer);
    return writer;
  };
  for (const product of wanted) {
    const path = outputs[product]!;
    if (product === "slope") {
      const w = await open(path, {
        sampleType: "Float32",
        nodata: FLOAT_NODATA,
        bandDescriptions: ["slope"],
        units: [opts.unit === "percent" ? "percent" : "degree"],
      });
      sinks.push((g) => w.writeRows([slope(g, { unit: opts.unit, nodata: FLOAT_NODATA })], g.rows));
    } else if (product === "aspect") {
      // gdaldem -zero_for_flat sets no nodata and writes 0 for flat cells, borders and nodata windows alike.
      const gdaldemZero = opts.compat && opts.zeroForFlat;
      const nodata = gdaldemZero ? 0 : FLOAT_NODATA;
      const w = await open(path, {
        sampleType: "Float32",
        nodata: gdaldemZero ? undefined : nodata,
        bandDescriptions: [opts.trigonometric ? "aspect (counter-clockwise from east)" : "aspect"],
        units: ["degree"],
      });
      const aspectOptions = { trigonometric: opts.trigonometric, zeroForFlat: opts.zeroForFlat, nodata };
      const imageSpace = opts.compat ? pixelSpaceGradient(spacing) : (g: GradientStrip) => g;
      sinks.push((g, northBearing) =>
        w.writeRows([aspect(imageSpace(g), { ...aspectOptions, northBearing })], g.rows),
      );
    } else if (product === "hillshade") {
      const w = await open(path, { sampleType: "Byte", nodata: 0, bandDescriptions: ["hillshade"] });
      const shadeOptions = {
        azimuth: opts.azimuth,
        altitude: opts.altitude,
        variant: opts.variant,
        // gdaldem's igor takes the aspect in image space.
        pixelAspect: opts.compat ? pixelAspectRatio(spacing) : 1,
      };
      sinks.push((g) => w.writeRows([hillshade(g, shadeOptions)], g.rows));
    } else {
      const w = await open(path, {
        sampleType: "Float32",
        bands: 2,
        nodata: FLOAT_NODATA,
        bandDescriptions: ["dz/dx (east)", "dz/dy (north)"],
        units: ["m/m", "m/m"],
      });
      sinks.push((g) => w.writeRows([toFloat32(g.dzdx), toFloat32(g.dzdy)], g.rows));
    }
  }
  return sinks;
}

/**
 * gdaldem computes aspect in image space: from the raw neighbour differences, ignoring the pixel size. With
 * `--compat gdaldem` we do the same by scaling the derivatives back by the (nominal) pixel steps.
 */
function pixelSpaceGradient(spacing: SpacingModel): (g: GradientStrip) => GradientStrip {
  const [xStep, yStep] = nominalSteps(spacing);
  return (g) => {
    const dzdx = new Float64Array(g.dzdx.length);
    const dzdy = new Float64Array(g.dzdy.length);
    for (let i = 0; i < dzdx.length; i++) {
      dzdx[i] = g.dzdx[i]! * xStep;
      dzdy[i] = g.dzdy[i]! * yStep;
    }
    return { ...g, dzdx, dzdy };
  };
}

/** The (uniform) pixel steps of a nominal or explicit spacing model. */
function nominalSteps(spacing: SpacingModel): [number, number] {
  const xSteps = new Float64Array(Math.max(1, spacing.width - 1));
  const ySteps = new Float64Array(spacing.width);
  if (spacing.width > 1) spacing.xSteps(0, xSteps);
  if (spacing.height > 1) spacing.ySteps(0, ySteps);
  const x = spacing.width > 1 ? xSteps[0]! : ySteps[0]!;
  const y = spacing.height > 1 ? ySteps[0]! : x;
  return [x || 1, y || x || 1];
}

function pixelAspectRatio(spacing: SpacingModel): number {
  const [x, y] = nominalSteps(spacing);
  return y / x;
}

/** Float32 copy with NaN replaced by the float nodata value. */
function toFloat32(values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === v ? v : FLOAT_NODATA;
  }
  return out;
}

/**
 * Derivatives are linear in the elevations, so vertical unit and z-factor scale the gradient afterwards: flat stays
 * exactly flat and integer DEMs keep exact neighbour sums (as gdaldem computes them).
 */
export function scaleGradient(grad: GradientStrip, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < grad.dzdx.length; i++) {
    grad.dzdx[i]! *= factor;
    grad.dzdy[i]! *= factor;
  }
}

/** Rows per strip: about 1 Mpixel, so memory does not grow with the DEM and small DEMs run in one strip. */
export function stripRowsFor(width: number): number {
  return Math.max(8, Math.min(1024, Math.floor(1_048_576 / Math.max(1, width))));
}

/**
 * Walks the DEM in strips, calling `consume` with each strip's derivatives (and, for true-north aspect, the
 * per-pixel bearing of grid north). Reports progress in rows.
 */
export async function streamStrips(
  dem: DemHandle,
  context: DerivativeContext,
  opts: Pick<ResolvedOptions, "trueNorth" | "signal" | "onProgress">,
  consume: (grad: GradientStrip, northBearing: Float64Array | undefined) => Promise<void>,
  stripRows = stripRowsFor(dem.width),
  crop = { x: 0, y: 0, width: dem.width, height: dem.height },
): Promise<void> {
  const { width, height } = dem;
  const halo = derivativeHalo(context.derivative);
  // One elevation buffer for every strip (the kernels finish with it before the next read).
  const buffer = new Float64Array((Math.min(stripRows, height) + 2 * halo) * width);
  const cropEnd = crop.y + crop.height;
  for (let first = crop.y; first < cropEnd; first += stripRows) {
    throwIfAborted(opts.signal);
    const rows = Math.min(stripRows, cropEnd - first);
    const readFirst = Math.max(0, first - halo);
    const readRows = Math.min(height, first + rows + halo) - readFirst;
    const data = await dem.readRows(readFirst, readRows, buffer.subarray(0, readRows * width));
    const grad = computeDerivatives(
      { data, width, rows: readRows, firstRow: readFirst, demHeight: height },
      { firstRow: first, rows },
      context.derivative,
    );
    scaleGradient(grad, context.zMultiplier);
    let bearings: Float64Array | undefined;
    if (opts.trueNorth) {
      bearings = new Float64Array(rows * width);
      for (let r = 0; r < rows; r++)
        context.spacing.gridNorthBearing(first + r, bearings.subarray(r * width));
    }
    if (crop.x === 0 && crop.width === width) {
      await consume(grad, bearings);
    } else {
      const columns = (a: Float64Array) => cropColumns(a, width, rows, crop.x, crop.width);
      const cropped = { ...grad, dzdx: columns(grad.dzdx), dzdy: columns(grad.dzdy), width: crop.width };
      await consume(cropped, bearings && columns(bearings));
    }
    opts.onProgress?.(first + rows - crop.y, crop.height);
  }
}

function cropColumns(
  values: Float64Array,
  width: number,
  rows: number,
  x: number,
  count: number,
): Float64Array {
  const out = new Float64Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * width + x, r * width + x + count), r * count);
  return out;
}
