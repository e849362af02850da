/**
 * The streaming one-pass driver: reads the DEM in row strips with the halo the method needs, computes every
 * requested product from one read and streams the rows into the writers. It owns all reading, writing, edges and
 * nodata; the kernels it calls are pure.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { AbortError, DemgradError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import type { DemSource, ElevationSource } from "../io/dem-reader.js";
import { openDem } from "../io/dem-reader.js";
import { createRasterWriter, outputFormat, type RasterWriter } from "../io/raster-writer.js";
import { PRODUCT_NAMES, type Product, type ProductOutputs, productDefinition } from "../products/registry.js";
import { fromElevationsAlone } from "../products/types.js";
import {
  derivativeSettings,
  planSpacing,
  type SpacingFrame,
  stripRowsFor,
  warnAssumedVerticalUnit,
} from "./derivative-plan.js";
import { type ElevationRange, elevationRange } from "./elevation-range.js";
import {
  type ProcessOptions,
  type ResolvedOptions,
  refuseUnsupportedMethods,
  refuseUnusedNoEdges,
  resolveOptions,
  warnUnusedDerivativeFlags,
} from "./options.js";
import { type StripResult, type StripRunner, stripRunner } from "./strip-pool.js";
import {
  type ProductRows,
  type StripJob,
  type StripPlan,
  StripProducts,
  stripHalo,
} from "./strip-products.js";

/**
 * Writing only part of what is read: a tile processed with a halo from its neighbours reads a larger window of the
 * mosaic (`dem`), takes its ground spacing from the mosaic (`spacingFrame`), and writes just its own cells (`crop`)
 * with its own georeferencing.
 */
export interface OutputPart {
  crop: { x: number; y: number; width: number; height: number };
  georef: Georef;
  spacingFrame: SpacingFrame;
  /** The mosaic's elevation range, for products that need one (a tile's own range would colour it differently). */
  elevationRange?: ElevationRange | undefined;
}

/** What a run did. */
export interface ProcessResult {
  width: number;
  height: number;
  outputs: ProductOutputs;
  seconds: number;
}

/**
 * Computes the requested products of one DEM in a single streaming pass, on `threads` threads (this one and
 * `threads − 1` workers; default: one less than the number of cores).
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
  input: DemSource | ElevationSource,
  outputs: ProductOutputs,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  return processPart(input, outputs, options);
}

/** `processDem` writing only `part` of what it reads (a seamless batch tile); without `part`, the whole DEM. */
export async function processPart(
  input: DemSource | ElevationSource,
  outputs: ProductOutputs,
  options: ProcessOptions,
  part?: OutputPart,
): Promise<ProcessResult> {
  const started = performance.now();
  const opts = resolveOptions(options);
  const wanted = PRODUCT_NAMES.filter((p) => outputs[p] !== undefined);
  if (wanted.length === 0) throw new UsageError("no output requested");
  refuseUnsupportedMethods(wanted, opts, options);
  checkOutputs(input, outputs, wanted);
  refuseUnusedNoEdges(opts, wanted);
  warnUnusedDerivativeFlags(options, opts, wanted);
  throwIfAborted(opts.signal);

  const ownsHandle = !isHandle(input);
  const dem = isHandle(input)
    ? input
    : await openDem(input, { band: opts.band, nodata: opts.nodata, warn: opts.warn });
  const writers: RasterWriter[] = [];
  let runner: StripRunner | undefined;
  try {
    const crop = part?.crop ?? { x: 0, y: 0, width: dem.width, height: dem.height };
    const stripRows = opts.stripRows ?? stripRowsFor(dem.width);
    const plan = stripPlan(dem, opts, wanted, crop, part?.spacingFrame ?? { georef: dem.georef }, stripRows);
    // Built here first so that georeferencing problems and warnings surface once, before any output exists.
    const spacing = planSpacing(plan, opts.warn);
    warnAssumedVerticalUnit(dem, opts);
    const sinks = await openWriters(
      { ...crop, georef: part?.georef ?? dem.georef },
      outputs,
      wanted,
      opts,
      writers,
    );
    // After the writers open (a bad output folder fails before a pass over the DEM).
    if (wanted.some((p) => productDefinition(p).needs(plan.options).elevationRange)) {
      plan.dem.range = part?.elevationRange ?? (await elevationRange(dem, stripRows, opts.signal));
    }
    const warnings = new Set(
      wanted.flatMap((p) => productDefinition(p).warnings?.(plan.options, plan.dem) ?? []),
    );
    for (const warning of warnings) opts.warn(warning);
    const threads = Math.min(opts.threads, Math.ceil(crop.height / stripRows));
    runner = stripRunner(plan, new StripProducts(plan, spacing), threads);
    await streamStrips(dem, plan, runner, opts, sinks, stripRows, crop);
    for (const writer of writers) await writer.finish();
    return { width: crop.width, height: crop.height, outputs, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await Promise.allSettled(writers.map((w) => w.abort()));
    // Errors about the DEM's georeferencing or values name the DEM.
    if (error instanceof DemgradError && error.file === undefined) error.file = dem.source;
    throw error;
  } finally {
    await runner?.close();
    if (ownsHandle) await dem.close();
  }
}

function isHandle(input: DemSource | ElevationSource): input is ElevationSource {
  return typeof input === "object" && input !== null && "readRows" in input;
}

/** Refuses unknown extensions, non-GeoTIFF float products, and writing over the input — before any work. */
function checkOutputs(input: DemSource | ElevationSource, outputs: ProductOutputs, wanted: Product[]): void {
  const inputPath =
    typeof input === "string" ? canonical(input) : isHandle(input) ? canonical(input.source) : "";
  const seen = new Set<string>();
  for (const product of wanted) {
    const path = outputs[product]!;
    const format = outputFormat(path);
    if (!productDefinition(product).formats.includes(format)) {
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

/** The plain-data description of the strip computation, shared with the worker threads (and the benchmarks). */
export function stripPlan(
  dem: ElevationSource,
  opts: ResolvedOptions,
  products: Product[],
  crop: { x: number; width: number },
  spacingFrame: SpacingFrame,
  stripRows: number,
): Required<StripPlan> {
  // The caller's functions stay on this thread.
  const { onProgress, signal, warn, ...options } = opts;
  const settings = derivativeSettings(dem, opts);
  return {
    products,
    halo: stripHalo(products, options, settings.derivative),
    width: dem.width,
    demHeight: dem.height,
    crop: { x: crop.x, width: crop.width },
    spacingFrame,
    stripRows,
    ...settings,
    spacingUnused: products.every((p) => fromElevationsAlone(productDefinition(p).needs(options))),
    dem: { nodata: dem.nodata, unitMetres: settings.unitMetres, range: undefined },
    options,
  };
}

type Sink = (rows: ProductRows, count: number) => Promise<void>;

/** Opens one writer per product and returns the function that writes a strip's product rows. */
async function openWriters(
  dem: { width: number; height: number; georef: Georef },
  outputs: ProductOutputs,
  wanted: Product[],
  opts: ResolvedOptions,
  writers: RasterWriter[],
): Promise<Sink> {
  const base = {
    width: dem.width,
    height: dem.height,
    georef: dem.georef,
    compress: opts.compress,
    layout: opts.layout,
    overviews: opts.layout === "cog" && opts.overviews ? opts.overviewLevels : (false as const),
    signal: opts.signal,
  };
  const open: [Product, RasterWriter][] = [];
  for (const product of wanted) {
    const spec = productDefinition(product).output(opts);
    const writer = await createRasterWriter(outputs[product]!, { ...base, ...spec });
    writers.push(writer);
    open.push([product, writer]);
  }
  return async (rows, count) => {
    for (const [product, writer] of open) await writer.writeRows(rows[product]!, count);
  };
}

/**
 * Walks the DEM in strips with the halo the method needs: the next strip is being read (its blocks decoding on
 * libuv's threadpool) while the runner computes the current one, and results are written in order. Reports
 * progress in rows written.
 */
async function streamStrips(
  dem: ElevationSource,
  plan: StripPlan,
  runner: StripRunner,
  opts: Pick<ResolvedOptions, "signal" | "onProgress">,
  write: Sink,
  stripRows: number,
  crop: { y: number; height: number },
): Promise<void> {
  const { width, height } = dem;
  const { halo } = plan;
  const strips: Omit<StripJob, "data">[] = [];
  for (let first = crop.y; first < crop.y + crop.height; first += stripRows) {
    const rows = Math.min(stripRows, crop.y + crop.height - first);
    const readFirst = Math.max(0, first - halo);
    strips.push({ first, rows, readFirst, readRows: Math.min(height, first + rows + halo) - readFirst });
  }
  // Elevation buffers go to the runner and come back, so a run allocates only as many as strips in flight.
  const free: Float64Array[] = [];
  const bufferLength = (Math.min(stripRows, height) + 2 * halo) * width;
  const startRead = (strip: Omit<StripJob, "data">) => {
    const buffer = free.pop() ?? new Float64Array(bufferLength);
    const read = dem.readRows(strip.readFirst, strip.readRows, buffer.subarray(0, strip.readRows * width));
    read.catch(() => {}); // awaited below; this only tells Node a failure is handled
    return read;
  };
  const inFlight: { rows: number; result: Promise<StripResult> }[] = [];
  let written = 0;
  const writeOldest = async () => {
    const { rows, result } = inFlight.shift()!;
    const done = await result;
    free.push(new Float64Array(done.data.buffer as ArrayBuffer));
    await write(done.rows, rows);
    runner.recycle(done);
    written += rows;
    opts.onProgress?.(written, crop.height);
  };
  let nextRead = strips.length > 0 ? startRead(strips[0]!) : undefined;
  try {
    for (let i = 0; i < strips.length; i++) {
      throwIfAborted(opts.signal);
      const data = await nextRead!;
      nextRead = i + 1 < strips.length ? startRead(strips[i + 1]!) : undefined;
      const result = runner.run({ data, ...strips[i]! });
      // Failures are taken up in order by writeOldest; until then they must not count as unhandled.
      result.catch(() => {});
      inFlight.push({ rows: strips[i]!.rows, result });
      while (inFlight.length > runner.parallelism) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    inFlight.length = 0;
    // Never leave a read running into the DEM's close.
    await nextRead?.catch(() => {});
  }
}
