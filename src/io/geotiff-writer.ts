/**
 * Our streaming GeoTIFF writer (DESIGN §7): little-endian, tiled 256×256, DEFLATE/LZW/none with the right
 * predictor, BigTIFF when the file could pass 4 GiB, the source's georeferencing and GDAL's tags.
 *
 * Rows arrive in order into one tile row per band. When a tile row is complete its tiles are cut out (predictor
 * applied in the same pass) and compressed on libuv's threadpool, up to `IN_FLIGHT` at once, while the caller
 * computes the next rows; they are written in a fixed order, and the directory goes at the end of the file
 * (the header's first-IFD offset is patched last). Memory: one tile row per band plus the tiles in flight.
 * The file is written under a temporary name and renamed on `finish`; an error or the AbortSignal removes it.
 */
import { type FileHandle, open } from "node:fs/promises";
import { AbortError, type DemgradError, OutputError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { boolean, checkingFile, integer, invalid, number, oneOf } from "../validate.js";
import { AtomicFiles, outputError } from "./atomic.js";
import { outputFormat } from "./output-format.js";
import { type Codec, compressTile, type Predictor, predictTile, type SampleArray } from "./tiff-compress.js";
import { encodeDirectory, encodeHeader } from "./tiff-directory.js";
import { imageFields, type TiffLayout } from "./tiff-tags.js";
import { CLASSIC_TIFF_LIMIT, TileStream } from "./tiff-tile-stream.js";

export { outputFormat } from "./output-format.js";

export type OutputSampleType = "Byte" | "Int16" | "UInt16" | "Int32" | "Float32" | "Float64";
export type Compression = Codec;

export interface RasterWriterOptions {
  width: number;
  height: number;
  /** Number of bands (default 1). */
  bands?: number;
  sampleType: OutputSampleType;
  /** Georeferencing to write: GeoKeys copied from `georef.tags`, the transform from `georef.geoTransform`. */
  georef?: Georef | undefined;
  /** GDAL_NODATA; for PNG, pixels equal to it become transparent. */
  nodata?: number | undefined;
  /** GeoTIFF compression (default "deflate"); PNG ignores it. */
  compress?: Compression | undefined;
  /** Per-band description and unit (GDAL_METADATA). */
  bandDescriptions?: string[] | undefined;
  units?: string[] | undefined;
  /**
   * Aborting removes the temporary file(s) at once; later calls reject with `AbortError`. The CLI aborts it on
   * SIGINT (Ctrl-C), so an interrupted run leaves no file.
   */
  signal?: AbortSignal | undefined;
  /** Testing aid: write BigTIFF even when the file is small. */
  forceBigTiff?: boolean;
}

/** A raster being written: rows in order, then `finish` (or `abort`). */
export interface RasterWriter {
  /**
   * Appends `rowCount` rows; `bands[b]` holds rowCount × width values of band b (a typed array of the sample
   * type or any numeric array). An error here aborts the writer.
   */
  writeRows(bands: ArrayLike<number>[], rowCount: number): Promise<void>;
  /** Flushes, writes the directory, closes and renames into place. Throws if not all rows were written. */
  finish(): Promise<void>;
  /** Removes the temporary file(s); safe to call twice or after `finish` failed. */
  abort(): Promise<void>;
}

const TILE = 256;
/**
 * Tiles compressing or waiting to be written at once: enough to keep libuv's threadpool (4 threads) busy while
 * the caller computes the next tile row, at most 32 × 512 KiB of uncompressed tiles.
 */
const IN_FLIGHT = 32;

interface SampleSpec {
  bytes: number;
  format: 1 | 2 | 3;
  array: new (length: number) => SampleArray;
  predictor: Predictor;
}

const SAMPLE: Record<OutputSampleType, SampleSpec> = {
  Byte: { bytes: 1, format: 1, array: Uint8Array, predictor: 2 },
  Int16: { bytes: 2, format: 2, array: Int16Array, predictor: 2 },
  UInt16: { bytes: 2, format: 1, array: Uint16Array, predictor: 2 },
  Int32: { bytes: 4, format: 2, array: Int32Array, predictor: 2 },
  Float32: { bytes: 4, format: 3, array: Float32Array, predictor: 3 },
  Float64: { bytes: 8, format: 3, array: Float64Array, predictor: 3 },
};

/** Worst-case size of a compressed tile relative to raw: LZW codes take up to 12 bits per byte. */
const GROWTH: Record<Codec, number> = { none: 1, deflate: 1.01, lzw: 1.51 };

/**
 * Whether the file could pass the 4 GiB classic-TIFF limit — decided before writing, from the uncompressed size
 * of every (padded) tile, the codec's worst-case growth and the directory.
 *
 * @example
 * ```ts
 * needsBigTiff(20000, 20000, 1, 4); // false: 1.6 GB
 * needsBigTiff(40000, 40000, 1, 4); // true: 6.4 GB
 * ```
 */
export function needsBigTiff(
  width: number,
  height: number,
  bands: number,
  bytesPerSample: number,
  compress: Codec = "deflate",
): boolean {
  const tiles = Math.ceil(width / TILE) * Math.ceil(height / TILE) * bands;
  const data = tiles * TILE * TILE * bytesPerSample * GROWTH[compress];
  const directory = tiles * 8 + (1 << 20);
  return data + directory > CLASSIC_TIFF_LIMIT;
}

/**
 * Opens a streaming GeoTIFF writer.
 *
 * @example
 * ```ts
 * const writer = await createGeoTiffWriter("slope.tif", { width, height, sampleType: "Float32", nodata: -9999, georef });
 * for (const strip of strips) await writer.writeRows([strip], strip.length / width);
 * await writer.finish();
 * ```
 */
export async function createGeoTiffWriter(path: string, raw: RasterWriterOptions): Promise<RasterWriter> {
  const options = validateWriterOptions(path, raw);
  const { width, height, sampleType } = options;
  const bands = options.bands ?? 1;
  const codec = options.compress ?? "deflate";
  const sample = SAMPLE[sampleType];
  const layout: TiffLayout = {
    width,
    height,
    bands,
    tileSize: TILE,
    bitsPerSample: sample.bytes * 8,
    sampleFormat: sample.format,
    codec,
    predictor: codec === "none" ? 1 : sample.predictor,
    bigTiff: options.forceBigTiff === true || needsBigTiff(width, height, bands, sample.bytes, codec),
  };
  const tilesAcross = Math.ceil(width / TILE);
  const tilesDown = Math.ceil(height / TILE);
  const stride = tilesAcross * TILE;

  let file: FileHandle | undefined;
  let tiles: TileStream | undefined;
  const abort = async () => {
    if (files.closed) return;
    await files.discard(); // first, so calls still running see the writer closed
    await tiles?.drain().catch(() => {});
    await file?.close().catch(() => {});
  };
  const files = new AtomicFiles(path, options.signal, abort);
  try {
    file = await open(files.add(path), "wx");
  } catch (error) {
    await files.discard();
    throw outputError(path, error);
  }
  tiles = new TileStream(
    file,
    layout.bigTiff ? 16 : 8,
    tilesAcross * tilesDown * bands,
    layout.bigTiff,
    IN_FLIGHT,
  );
  const tileRow = Array.from({ length: bands }, () => new sample.array(stride * TILE));
  let rowsWritten = 0;
  // Tile buffers back from the compressor, for the next tiles: no allocation (and no GC) per tile.
  const freeTiles: Uint8Array[] = [];

  /** Queues every tile of the tile row that ends at `lastRow`; returns once all were cut out of `tileRow`. */
  async function flushTileRow(lastRow: number) {
    const down = Math.floor(lastRow / TILE);
    const filled = (lastRow % TILE) + 1;
    // The last tile row is padded with zeros (rows of the previous tile row are still in the buffer).
    if (filled < TILE) for (const buffer of tileRow) buffer.fill(0, filled * stride);
    for (let band = 0; band < bands; band++) {
      for (let across = 0; across < tilesAcross; across++) {
        await tiles!.submit(band * tilesAcross * tilesDown + down * tilesAcross + across, async () => {
          files.check();
          const tile = predictTile(
            tileRow[band]!,
            stride,
            across * TILE,
            TILE,
            layout.predictor,
            freeTiles.pop(),
          );
          const encoded = await compressTile(tile, codec);
          if (encoded !== tile) freeTiles.push(tile);
          return encoded;
        });
      }
    }
  }

  /** Aborts and returns the error to throw: AbortError if the signal fired, file-system errors as OutputError. */
  async function failed(error: unknown): Promise<DemgradError> {
    await abort();
    if (options.signal?.aborted) return new AbortError(undefined, { file: path });
    const reported = outputError(path, error);
    reported.file ??= path;
    return reported;
  }

  return {
    async writeRows(data, rowCount) {
      try {
        files.check();
        checkRows(data, rowCount, bands, width, height - rowsWritten);
        for (let r = 0; r < rowCount; r++) {
          const row = rowsWritten + r;
          const at = (row % TILE) * stride;
          for (let b = 0; b < bands; b++) copyRow(data[b]!, r * width, width, tileRow[b]!, at);
          if (row % TILE === TILE - 1 || row === height - 1) await flushTileRow(row);
        }
        rowsWritten += rowCount;
      } catch (error) {
        throw await failed(error);
      }
    },

    async finish() {
      try {
        files.check();
        if (rowsWritten !== height) {
          throw new OutputError(`only ${rowsWritten} of ${height} rows were written`, { file: path });
        }
        await tiles!.drain();
        files.check();
        const directoryAt = tiles!.end + (tiles!.end % 2); // word-aligned, as TIFF asks
        const fields = imageFields(layout, tiles!.offsets, tiles!.byteCounts, {
          georef: options.georef,
          nodata: options.nodata,
          descriptions: options.bandDescriptions ?? [],
          units: options.units ?? [],
        });
        const directory = encodeDirectory(fields, directoryAt, layout.bigTiff);
        if (!layout.bigTiff && directoryAt + directory.length > CLASSIC_TIFF_LIMIT) {
          throw new OutputError("the file would pass classic TIFF's 4 GiB limit: write a smaller window");
        }
        await file!.write(directory, 0, directory.length, directoryAt);
        const header = encodeHeader(directoryAt, layout.bigTiff);
        await file!.write(header, 0, header.length, 0);
        await file!.close();
        await files.commit();
      } catch (error) {
        throw await failed(error);
      }
    },

    abort,
  };
}

const SAMPLE_TYPES = Object.keys(SAMPLE) as OutputSampleType[];
const CODECS: readonly Codec[] = ["deflate", "lzw", "none"];

/**
 * Every writer option checked with validate.ts's one kind of message, naming the file: JavaScript callers can pass
 * anything, and a bad codec or a text nodata must not reach the file (GDAL cannot open the one, misreads the other).
 *
 * @example
 * ```ts
 * validateWriterOptions("s.tif", { width: 2, height: 2, sampleType: "Float32", compress: "zip" });
 * // throws UsageError: Expected one of deflate, lzw, none for compress but received "zip"
 * ```
 */
export function validateWriterOptions(path: string, options: RasterWriterOptions): RasterWriterOptions {
  return checkingFile(path, () => {
    if (typeof options !== "object" || options === null) invalid("writer options", "an object", options);
    const limit = { min: 1, max: 2 ** 31 - 1, strings: false };
    const strings = (name: string, value: unknown) => {
      if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) {
        invalid(name, "an array of strings", value);
      }
      return value as string[] | undefined;
    };
    const validated: RasterWriterOptions = {
      ...options,
      width: integer("width", options.width, limit),
      height: integer("height", options.height, limit),
      bands: integer("bands", options.bands ?? 1, limit),
      sampleType: oneOf("sample type", options.sampleType, SAMPLE_TYPES),
      compress: oneOf("compress", options.compress ?? "deflate", CODECS),
      nodata: options.nodata === undefined ? undefined : nodataNumber(options.nodata),
      bandDescriptions: strings("band descriptions", options.bandDescriptions),
      units: strings("units", options.units),
    };
    if (options.forceBigTiff !== undefined)
      validated.forceBigTiff = boolean("forceBigTiff", options.forceBigTiff);
    return validated;
  });
}

/** A nodata value: any number, NaN included (written as GDAL writes it); strings are not numbers here. */
function nodataNumber(value: unknown): number {
  return Number.isNaN(value) ? Number.NaN : number("nodata", value, { strings: false });
}

/** Checks a `writeRows` call: one array per band, 0…`left` rows, each array holding its rows. */
export function checkRows(
  data: ArrayLike<number>[],
  rowCount: number,
  bands: number,
  width: number,
  left: number,
): void {
  if (!Array.isArray(data) || data.length !== bands) {
    throw new UsageError(
      `expected ${bands} band(s) of rows but received ${Array.isArray(data) ? data.length : data}`,
    );
  }
  integer("rowCount", rowCount, { min: 0, max: left, strings: false });
  for (const band of data) {
    if (band.length < rowCount * width) {
      throw new UsageError(`a band holds ${band.length} values, fewer than ${rowCount} rows of ${width}`);
    }
  }
}

/** Copies `count` values from `source` at `from` into `target` at `to` (typed arrays convert natively). */
function copyRow(source: ArrayLike<number>, from: number, count: number, target: SampleArray, to: number) {
  if (ArrayBuffer.isView(source)) {
    target.set((source as unknown as SampleArray).subarray(from, from + count), to);
  } else {
    for (let c = 0; c < count; c++) target[to + c] = source[from + c]!;
  }
}

/**
 * Writes a whole raster as a GeoTIFF (DESIGN §6). The sample type defaults to the array's: Float32 for a
 * Float32Array or plain array, Float64 for a Float64Array, the matching integer type for integer arrays.
 *
 * @example
 * ```ts
 * import { readDem, slope, terrainGradient, writeGeoTiff } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const degrees = slope(terrainGradient(dem));
 * await writeGeoTiff("slope.tif", { width: dem.width, height: dem.height, data: degrees }, { like: dem.georef, nodata: -9999 });
 * ```
 */
export async function writeGeoTiff(
  path: string,
  raster: { width: number; height: number; data?: ArrayLike<number>; bands?: ArrayLike<number>[] },
  options: {
    like?: Georef | undefined;
    nodata?: number | undefined;
    compress?: Compression | undefined;
    sampleType?: OutputSampleType | undefined;
    bandDescriptions?: string[] | undefined;
    units?: string[] | undefined;
  } = {},
): Promise<void> {
  const bands = raster.bands ?? (raster.data ? [raster.data] : []);
  if (bands.length === 0) throw new UsageError("writeGeoTiff needs data or bands", { file: path });
  if (outputFormat(path) !== "geotiff") {
    throw new UsageError("writeGeoTiff writes GeoTIFF: use a .tif name (or writePng)", { file: path });
  }
  const writer = await createGeoTiffWriter(path, {
    width: raster.width,
    height: raster.height,
    bands: bands.length,
    sampleType: options.sampleType ?? sampleTypeOfArray(bands[0]!),
    georef: options.like,
    nodata: options.nodata,
    compress: options.compress,
    bandDescriptions: options.bandDescriptions,
    units: options.units,
  });
  await writer.writeRows(bands, raster.height);
  await writer.finish();
}

/** The sample type that holds an array's values exactly. */
function sampleTypeOfArray(data: ArrayLike<number>): OutputSampleType {
  if (data instanceof Float64Array || data instanceof Uint32Array) return "Float64";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "Byte";
  if (data instanceof Int16Array || data instanceof Int8Array) return "Int16";
  if (data instanceof Uint16Array) return "UInt16";
  if (data instanceof Int32Array) return "Int32";
  return "Float32";
}

/**
 * A GeoTIFF or PNG writer chosen by the extension (`outputFormat`). The PNG writer (and sharp) load only when
 * a PNG is asked for.
 *
 * @example
 * ```ts
 * const writer = await createRasterWriter("shade.png", { width, height, sampleType: "Byte", nodata: 0, georef });
 * ```
 */
export async function createRasterWriter(path: string, options: RasterWriterOptions): Promise<RasterWriter> {
  if (outputFormat(path) === "png") {
    const { createPngWriter } = await import("./png-writer.js");
    return createPngWriter(path, options);
  }
  return createGeoTiffWriter(path, options);
}
