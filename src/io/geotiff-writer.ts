/**
 * Our streaming GeoTIFF writer (DESIGN §7): little-endian, tiled, DEFLATE/LZW/none with the right predictor,
 * BigTIFF when the file could pass 4 GiB, the source's georeferencing and GDAL's tags. By default a Cloud
 * Optimized GeoTIFF with internal overviews (cog.ts); `layout: "plain"` is the older, faster layout.
 *
 * Rows arrive in order into one tile row per band. When a tile row is complete its tiles are cut out (predictor
 * applied in the same pass) and compressed on libuv's threadpool, up to `IN_FLIGHT` at once, while the caller
 * computes the next rows; they are written in a fixed order. Plain: the directory goes at the end of the file
 * (the header's first-IFD offset is patched last). COG: the overview rows are reduced as the rows pass, and
 * `finish` assembles the file. Memory: one tile row per band and level plus the tiles in flight.
 * The file is written under a temporary name and renamed on `finish`; an error or the AbortSignal removes it.
 */
import { type FileHandle, open, unlink } from "node:fs/promises";
import { AbortError, type DemgradError, OutputError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { AtomicFiles, outputError, temporaryName } from "./atomic.js";
import { assembleCog, type CogImage, OverviewPyramid } from "./cog.js";
import { outputFormat } from "./output-format.js";
import { overviewSizes } from "./overviews.js";
import { type Codec, compressTile, type Predictor, predictTile, type SampleArray } from "./tiff-compress.js";
import { encodeDirectory, encodeHeader } from "./tiff-directory.js";
import { imageFields, type TiffLayout } from "./tiff-tags.js";
import { CLASSIC_TIFF_LIMIT, type FileCursor, TileRows, TileStream } from "./tiff-tile-stream.js";
import {
  type Compression,
  checkRows,
  type OutputSampleType,
  type RasterWriter,
  type RasterWriterOptions,
  validateWriterOptions,
} from "./writer-contract.js";

export type { OverviewResampling } from "./overviews.js";
export type { Colour } from "./tiff-tags.js";
export type { Compression, OutputSampleType, RasterWriter, RasterWriterOptions } from "./writer-contract.js";

/** The tile size of the plain layout (today's files, byte for byte). */
const TILE = 256;
/** The tile size of COG outputs: GDAL's COG default, so GDAL-made and demgrad-made COGs read alike over HTTP. */
const COG_TILE = 512;
/**
 * Tiles compressing or waiting to be written at once: enough to keep libuv's threadpool (4 threads) busy while
 * the caller computes the next tile row, at most 32 × 256 KiB of uncompressed tiles (Float32, 256²) — for COG
 * tiles four times larger, 16 (each job holds its tile, zlib's state and an output buffer of the tile's size).
 */
const IN_FLIGHT = 32;
const COG_IN_FLIGHT = 16;
/** The same for each overview level: a level makes a tile row at most half as often as the one above it. */
const OVERVIEW_IN_FLIGHT = 4;

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
 * of every (padded) tile, the codec's worst-case growth and the directory. By default for the plain layout
 * (256² tiles, no overviews); a COG passes its tile size and overview sizes, whose tiles count too.
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
  layout: { tileSize?: number; overviews?: { width: number; height: number }[] } = {},
): boolean {
  const size = layout.tileSize ?? TILE;
  let tiles = 0;
  for (const level of [{ width, height }, ...(layout.overviews ?? [])]) {
    tiles += Math.ceil(level.width / size) * Math.ceil(level.height / size) * bands;
  }
  const data = tiles * size * size * bytesPerSample * GROWTH[compress];
  // Per tile: its offset and size (8 bytes), and a COG's leader and trailer (8 more).
  const directory = tiles * 16 + (1 << 20);
  return data + directory > CLASSIC_TIFF_LIMIT;
}

/**
 * Opens a streaming GeoTIFF writer.
 *
 * With the default COG layout the tiles of the full resolution and of every overview stream into one scratch
 * file beside the output (hidden, removed on every ending); `finish` writes the header and directories and copies
 * the tiles after them (cog.ts). The plain layout writes tiles straight into the output and the directory last.
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
  const cog = options.layout !== "plain";
  const tileSize = cog ? COG_TILE : TILE;
  const levels = cog ? overviewSizes(width, height, options.overviews ?? "auto") : [];
  const bigTiff =
    options.forceBigTiff === true ||
    needsBigTiff(width, height, bands, sample.bytes, codec, { tileSize, overviews: levels });
  const layoutOf = (size: { width: number; height: number }, overview: boolean): TiffLayout => ({
    ...size,
    bands,
    tileSize,
    bitsPerSample: sample.bytes * 8,
    sampleFormat: sample.format,
    codec,
    predictor: codec === "none" ? 1 : sample.predictor,
    bigTiff,
    colour: options.colour,
    overview,
  });
  const extra = {
    georef: options.georef,
    nodata: options.nodata,
    descriptions: options.bandDescriptions ?? [],
    units: options.units ?? [],
  };

  // COG: tiles go to the scratch file, the output is written by `finish`. Plain: tiles go to the output.
  const scratchPath = cog ? temporaryName(path, ".tiles") : undefined;
  let file: FileHandle | undefined;
  let output: FileHandle | undefined;
  let streams: TileStream[] = [];
  let committed = false;
  const abort = async () => {
    if (committed) return;
    await files.discard(); // first, so calls still running see the writer closed
    await Promise.all(streams.map((s) => s.drain().catch(() => {})));
    await file?.close().catch(() => {});
    await output?.close().catch(() => {});
    if (scratchPath) await unlink(scratchPath).catch(() => {});
  };
  const files = new AtomicFiles(path, options.signal, abort);
  try {
    // The scratch file is read back by `finish`.
    file = await open(scratchPath ?? files.add(path), scratchPath ? "wx+" : "wx");
  } catch (error) {
    await abort();
    throw outputError(path, error);
  }
  const headerSize = cog ? 0 : bigTiff ? 16 : 8;
  const cursor: FileCursor = { end: headerSize };
  const tileCount = (size: { width: number; height: number }) =>
    Math.ceil(size.width / tileSize) * Math.ceil(size.height / tileSize) * bands;
  const inFlight = cog ? COG_IN_FLIGHT : IN_FLIGHT;
  const full = new TileStream(file, headerSize, tileCount({ width, height }), bigTiff, inFlight, {
    cursor,
    framed: cog,
  });
  const overviewStreams = levels.map(
    (level) =>
      new TileStream(file!, headerSize, tileCount(level), bigTiff, OVERVIEW_IN_FLIGHT, {
        cursor,
        framed: true,
      }),
  );
  streams = [full, ...overviewStreams];
  // Tile buffers back from the compressor, for the next tiles: no allocation (and no GC) per tile.
  const freeTiles: Uint8Array[] = [];
  const encode = async (tileRow: SampleArray, stride: number, x0: number) => {
    files.check();
    const predictor = codec === "none" ? 1 : sample.predictor;
    const tile = predictTile(tileRow, stride, x0, tileSize, predictor, freeTiles.pop());
    const encoded = await compressTile(tile, codec);
    if (encoded !== tile) freeTiles.push(tile);
    return encoded;
  };
  const image = new TileRows(width, height, bands, tileSize, sample.array, full, encode);
  const overviewImages = levels.map(
    (level, k) =>
      new TileRows(level.width, level.height, bands, tileSize, sample.array, overviewStreams[k]!, encode),
  );
  const pyramid =
    levels.length > 0
      ? new OverviewPyramid(
          width,
          overviewImages,
          options.overviewResampling ?? "mean",
          options.nodata,
          sample.array,
        )
      : undefined;

  /** Aborts and returns the error to throw: AbortError if the signal fired, file-system errors as OutputError. */
  async function failed(error: unknown): Promise<DemgradError> {
    await abort();
    if (options.signal?.aborted) return new AbortError(undefined, { file: path });
    const reported = outputError(path, error);
    reported.file ??= path;
    return reported;
  }

  /** The plain layout: the directory after the tiles, the header patched to point at it. */
  async function finishPlain() {
    const directoryAt = full.end + (full.end % 2); // word-aligned, as TIFF asks
    const fields = imageFields(layoutOf({ width, height }, false), full.offsets, full.byteCounts, extra);
    const directory = encodeDirectory(fields, directoryAt, bigTiff);
    if (!bigTiff && directoryAt + directory.length > CLASSIC_TIFF_LIMIT) {
      throw new OutputError("the file would pass classic TIFF's 4 GiB limit: write a smaller window");
    }
    await file!.write(directory, 0, directory.length, directoryAt);
    const header = encodeHeader(directoryAt, bigTiff);
    await file!.write(header, 0, header.length, 0);
    await file!.close();
  }

  /** The COG layout: the output assembled from the scratch file, which is then removed. */
  async function finishCog() {
    await pyramid?.finish();
    await Promise.all(overviewStreams.map((s) => s.drain()));
    files.check();
    output = await open(files.add(path), "wx");
    files.check(); // an abort while opening found no file to remove
    const images: CogImage[] = [{ width, height }, ...levels].map((size, k) => ({
      stream: streams[k]!,
      fields: (offsets, byteCounts) => imageFields(layoutOf(size, k > 0), offsets, byteCounts, extra),
    }));
    await assembleCog(output, file!, images, bigTiff, () => files.check());
    await output.close();
    await file!.close();
    await unlink(scratchPath!);
  }

  return {
    async writeRows(data, rowCount) {
      try {
        files.check();
        checkRows(data, rowCount, bands, width, height - image.rowsWritten);
        for (let r = 0; r < rowCount; r++) {
          const at = image.rowStart;
          for (let b = 0; b < bands; b++) copyRow(data[b]!, r * width, width, image.buffers[b]!, at);
          if (pyramid) await pyramid.push(image.buffers.map((buffer) => buffer.subarray(at, at + width)));
          await image.rowDone();
        }
      } catch (error) {
        throw await failed(error);
      }
    },

    async finish() {
      try {
        files.check();
        if (image.rowsWritten !== height) {
          throw new OutputError(`only ${image.rowsWritten} of ${height} rows were written`, { file: path });
        }
        await full.drain();
        files.check();
        if (cog) await finishCog();
        else await finishPlain();
        await files.commit();
        committed = true;
      } catch (error) {
        throw await failed(error);
      }
    },

    abort,
  };
}

/** `values` with NaN replaced by `nodata` (a copy only when there is a NaN). */
function nanAs(values: ArrayLike<number>, nodata: number): ArrayLike<number> {
  let i = 0;
  while (i < values.length && !Number.isNaN(values[i])) i++;
  if (i === values.length) return values;
  const copy = ArrayBuffer.isView(values) ? (values as unknown as SampleArray).slice() : Array.from(values);
  for (; i < copy.length; i++) if (Number.isNaN(copy[i])) copy[i] = nodata;
  return copy;
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
 * Float32Array or plain array, Float64 for a Float64Array, the matching integer type for integer arrays. With a
 * numeric `nodata`, NaN cells are written as it (the library's convention: NaN in memory, −9999 in files).
 *
 * @example
 * ```ts
 * import { readDem, slope, terrainGradient, writeGeoTiff } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const degrees = slope(terrainGradient(dem)); // NaN where undefined
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
  } & Pick<RasterWriterOptions, "layout" | "overviews" | "overviewResampling" | "colour"> = {},
): Promise<void> {
  const given = raster.bands ?? (raster.data ? [raster.data] : []);
  if (given.length === 0) throw new UsageError("writeGeoTiff needs data or bands", { file: path });
  const { nodata } = options;
  const bands =
    typeof nodata === "number" && !Number.isNaN(nodata) ? given.map((b) => nanAs(b, nodata)) : given;
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
    layout: options.layout,
    overviews: options.overviews,
    overviewResampling: options.overviewResampling,
    colour: options.colour,
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
