/**
 * Reading DEM GeoTIFFs: a lazy handle that reads row strips fast (whole block rows copied at once, node:zlib
 * DEFLATE), and `readDem` for a whole raster or window. Every problem with the file becomes one `InputError`; option
 * values of the wrong type or range are a `TypeError` or `RangeError` (a programming error, whatever the file).
 */
import { InputError, type WarningHandler } from "../errors.js";
import { validateGeoKeys } from "../geo/geokeys.js";
import { georefFromTags } from "../geo/georef.js";
import type { Georef, GeoTiffTags } from "../geo/types.js";
import { assumedVerticalUnitWarning, unitFromName } from "../geo/units.js";
import { type BlockFormat, blockDecoder } from "./decoders.js";
import { type BandLayout, type BlockGrid, BlockRows } from "./dem-blocks.js";
import type { DemHandle, Window } from "./dem-handle.js";
import { bandMetadata, bandStatistics, parseNodata, roundToSampleType } from "./gdal-metadata.js";
import { type SampleType, sampleTypeOf } from "./sample-types.js";
import { type ByteSource, type DemSource, describeSource, inputError, openSource } from "./source.js";
import { TAG_NAMES, TiffDirectory } from "./tiff-ifd.js";
import { isVrt, openVrt } from "./vrt.js";

export type { DemHandle, ElevationSource, Window } from "./dem-handle.js";
export type { SampleType } from "./sample-types.js";
export type { DemSource } from "./source.js";

export interface OpenOptions {
  /** 1-based band (default 1). */
  band?: number;
  /** Overrides the file's nodata value. */
  nodata?: number;
  warn?: WarningHandler;
  /**
   * Reads internal overview k (1: the largest, as GDAL's GetOverview(k − 1)) instead of the full resolution
   * (0, the default): its pixels, with the full resolution's georeferencing scaled to its size.
   */
  overview?: number;
}

/**
 * A whole DEM (or window) in memory: elevations in metres with NaN for nodata, row-major from the file's first row,
 * and what the file says about them (its sample type, nodata value, scale/offset and vertical unit).
 */
export interface Dem {
  width: number;
  height: number;
  /**
   * Elevations in metres: (stored value × `scale` + `offset`) × `verticalUnit.metres`; NaN where the file has
   * `nodata` or NaN. Always a Float64Array: it holds every Int32, UInt32 and Float64 value exactly (float32 would
   * round integers beyond 2²⁴ and most doubles) and the unit conversion at full precision, as the CLI computes.
   */
  data: Float64Array;
  /** The file's (stored) nodata value, before scale, offset and unit; NaN cells in `data` mark it. */
  nodata: number | undefined;
  /** The band's scale and offset (GDAL_METADATA), already applied to `data`; 1 and 0 when the file has none. */
  scale: number;
  offset: number;
  /**
   * The elevation unit `data` was converted from, and how it was found: `geokey`, `band-unit`, `crs-linear-unit`
   * (nothing tagged: the CRS's linear unit was assumed, with a warning), `option` (readDem's `verticalUnit`) or
   * `default` (metre). The same as `georef.verticalUnit`.
   */
  verticalUnit: Georef["verticalUnit"];
  /** The stored sample type (Int16, Float32, …). */
  sampleType: SampleType;
  georef: Georef;
  source: string;
}

const COMPRESSION_NAMES: Record<number, string> = {
  1: "none",
  2: "CCITT RLE",
  3: "CCITT Group 3",
  4: "CCITT Group 4",
  5: "LZW",
  6: "old-style JPEG",
  7: "JPEG",
  8: "DEFLATE",
  32773: "PackBits",
  32946: "DEFLATE",
  34712: "JPEG 2000",
  34887: "LERC",
  34925: "LZMA",
  50000: "ZSTD",
  50001: "WEBP",
  50002: "JPEG XL",
};
const SUPPORTED_COMPRESSION = new Set([1, 5, 8, 32773, 32946, 34887, 50000]);
const SAMPLE_FORMAT_NAMES: Record<number, string> = {
  1: "unsigned integer",
  2: "signed integer",
  3: "floating point",
  4: "undefined",
  5: "complex integer",
  6: "complex floating point",
};

/** TIFF tags the reader uses. */
const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GDAL_METADATA: 42112,
  GDAL_NODATA: 42113,
  LercParameters: 50674,
} as const;

/**
 * The largest decoded block the reader accepts. Real DEMs use blocks of a few hundred KiB to a few MiB; a header
 * claiming more is refused from its arithmetic at open, before any allocation.
 */
const MAX_BLOCK_BYTES = 256 * 2 ** 20;

/**
 * Opens a DEM for reading strips or windows: the metadata now, the pixels on demand.
 *
 * @example
 * ```ts
 * import { openDem } from "demgrad";
 * const dem = await openDem("dem.tif", { band: 1 });
 * const rows = await dem.readRows(0, 16); // Float64Array, NaN = nodata
 * await dem.close();
 * ```
 */
export async function openDem(source: DemSource, options: OpenOptions = {}): Promise<DemHandle> {
  checkOpenOptions("openDem", source, options);
  const file = describeSource(source);
  try {
    if (typeof source === "string" && /\.vrt$/i.test(source)) {
      return await openVrt(source, options, openTiff).catch((error: unknown) => {
        throw inputError(file, error);
      });
    }
    return await openTiff(source, options);
  } catch (error) {
    // A VRT is recognised by its content too, only once the bytes are not a TIFF (no cost for GeoTIFFs).
    if (!(error instanceof InputError && error.message === "not a TIFF file" && (await isVrt(source))))
      throw error;
    try {
      return await openVrt(source, options, openTiff);
    } catch (vrtError) {
      throw inputError(file, vrtError);
    }
  }
}

/** Opens a GeoTIFF (the sources of a VRT are opened with this too: a VRT source is never read as a VRT). */
async function openTiff(source: DemSource, options: OpenOptions): Promise<DemHandle> {
  const file = describeSource(source);
  let bytes: ByteSource | undefined;
  try {
    bytes = await openSource(source);
    const main = await TiffDirectory.read(bytes);
    const k = options.overview ?? 0;
    const ifd = k === 0 ? main : await overviewDirectory(main, k, file);
    return await createHandle(bytes, ifd, file, options, main);
  } catch (error) {
    await bytes?.close().catch(() => {});
    throw inputError(file, error);
  }
}

/** Directory `k` of the file, which must be a reduced-resolution image (NewSubfileType bit 0). */
async function overviewDirectory(main: TiffDirectory, k: number, file: string): Promise<TiffDirectory> {
  let ifd = main;
  for (let i = 1; i <= k; i++) {
    const next = await ifd.following();
    if (!next) {
      const has = i === 1 ? "no overviews" : `${i - 1} overview${i === 2 ? "" : "s"}`;
      throw new InputError(`overview ${k} requested but the file has ${has}`, { file });
    }
    ifd = next;
  }
  if (((await ifd.number(TAG.NewSubfileType, 0)) & 1) === 0) {
    throw new InputError(`image ${k} of the file is not an overview`, { file });
  }
  return ifd;
}

/** Refuses option values of the wrong type or range, naming the option (a programming error, not the file's). */
function checkOpenOptions(fn: string, source: unknown, options: unknown): void {
  const show = (value: unknown) => (typeof value === "string" ? `"${value}" (a string)` : String(value));
  if (typeof source !== "string" && !(source instanceof URL) && !(source instanceof ArrayBuffer)) {
    throw new TypeError(`${fn}: the source must be a path, a URL or an ArrayBuffer, got ${show(source)}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${fn}: options must be an object, got ${show(options)}`);
  }
  const { band, nodata, warn, overview } = options as Record<string, unknown>;
  if (overview !== undefined) {
    if (typeof overview !== "number")
      throw new TypeError(`${fn}: option overview must be a number, got ${show(overview)}`);
    if (!Number.isInteger(overview) || overview < 0) {
      throw new RangeError(`${fn}: option overview must be a whole number of at least 0, got ${overview}`);
    }
  }
  if (band !== undefined) {
    if (typeof band !== "number")
      throw new TypeError(`${fn}: option band must be a number, got ${show(band)}`);
    if (!Number.isInteger(band) || band < 1) {
      throw new RangeError(`${fn}: option band must be a whole number of at least 1, got ${band}`);
    }
  }
  if (nodata !== undefined && typeof nodata !== "number") {
    throw new TypeError(`${fn}: option nodata must be a number (NaN allowed), got ${show(nodata)}`);
  }
  if (warn !== undefined && typeof warn !== "function") {
    throw new TypeError(`${fn}: option warn must be a function, got ${show(warn)}`);
  }
}

/** Refuses a `window` option that is not four whole numbers (whether it fits the raster is checked on reading). */
function checkWindowOption(window: unknown): void {
  if (window === undefined) return;
  if (window === null || typeof window !== "object") {
    throw new TypeError(`readDem: option window must be { x, y, width, height }, got ${String(window)}`);
  }
  for (const key of ["x", "y", "width", "height"] as const) {
    const value = (window as Record<string, unknown>)[key];
    if (typeof value !== "number") {
      throw new TypeError(`readDem: option window.${key} must be a number, got ${JSON.stringify(value)}`);
    }
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`readDem: option window.${key} must be a whole number ≥ 0, got ${value}`);
    }
  }
}

/** Per-sample values of a tag given once for all samples or once per sample (GDAL reads both). */
function perSample(values: Float64Array | undefined, sample: number, fallback: number): number {
  if (!values || values.length === 0) return fallback;
  return values[sample] ?? values[0]!;
}

/** What the directory says about the raster: sizes, sample types, layout — checked by arithmetic alone. */
async function rasterFormat(ifd: TiffDirectory, band: number | undefined, file: string) {
  const corrupt = (what: string) => new InputError(`corrupt TIFF: ${what}`, { file });
  const unsupported = (what: string) => new InputError(`unsupported ${what}`, { file, code: "UNSUPPORTED" });
  const width = await ifd.number(TAG.ImageWidth, 0);
  const height = await ifd.number(TAG.ImageLength, 0);
  const bandCount = await ifd.number(TAG.SamplesPerPixel, 1);
  if (![width, height, bandCount].every((n) => Number.isInteger(n) && n > 0) || bandCount > 65535) {
    throw corrupt("invalid image size or band count");
  }
  const requested = band ?? 1;
  if (requested > bandCount) {
    const bands = `${bandCount} band${bandCount === 1 ? "" : "s"}`;
    throw new InputError(`band ${requested} requested but the file has ${bands}`, { file });
  }
  const compressionCode = await ifd.number(TAG.Compression, 1);
  const compression = COMPRESSION_NAMES[compressionCode] ?? "unknown";
  if (!SUPPORTED_COMPRESSION.has(compressionCode)) {
    throw unsupported(`compression ${compression} (code ${compressionCode})`);
  }
  const bits = await ifd.numbers(TAG.BitsPerSample);
  const formats = await ifd.numbers(TAG.SampleFormat);
  const typeOf = (sample: number) => sampleTypeOf(perSample(formats, sample, 1), perSample(bits, sample, 1));
  const sample = requested - 1;
  const sampleType = typeOf(sample);
  if (!sampleType) {
    const format = perSample(formats, sample, 1);
    throw unsupported(
      `sample format: ${SAMPLE_FORMAT_NAMES[format] ?? `SampleFormat ${format}`}, ${perSample(bits, sample, 1)} bits`,
    );
  }
  const planar = bandCount > 1 && (await ifd.number(TAG.PlanarConfiguration, 1)) === 2;
  if (
    !planar &&
    Array.from({ length: Math.min(bandCount, 256) }, (_, s) => typeOf(s)).some((t) => t !== sampleType)
  ) {
    throw unsupported("layout: bands of different sample types interleaved in one block");
  }
  const bytesPerSample = perSample(bits, sample, 1) / 8;
  const predictor = await ifd.number(TAG.Predictor, 1);
  const predictorFits =
    predictor === 1 ||
    (predictor === 2 && bytesPerSample <= 4) ||
    (predictor === 3 && sampleType.startsWith("Float"));
  if (!predictorFits) throw unsupported(`predictor ${predictor} for ${sampleType} samples`);

  const tiled = ifd.has(TAG.TileOffsets);
  const blockWidth = tiled ? await ifd.number(TAG.TileWidth, 0) : width;
  const blockHeight = tiled
    ? await ifd.number(TAG.TileLength, 0)
    : Math.min(await ifd.number(TAG.RowsPerStrip, height), height);
  if (!(Number.isInteger(blockWidth) && blockWidth > 0 && Number.isInteger(blockHeight) && blockHeight > 0)) {
    throw corrupt(`invalid ${tiled ? "tile" : "strip"} size ${blockWidth}×${blockHeight}`);
  }
  const samplesPerBlockPixel = planar ? 1 : bandCount;
  const blockBytes = blockWidth * blockHeight * samplesPerBlockPixel * bytesPerSample;
  if (blockBytes > MAX_BLOCK_BYTES) {
    throw unsupported(
      `layout: ${tiled ? "tiles" : "strips"} of ${blockWidth}×${blockHeight} pixels ` +
        `(${Math.round(blockBytes / 2 ** 20)} MiB; at most ${MAX_BLOCK_BYTES / 2 ** 20} MiB)`,
    );
  }
  const blockCount =
    Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) * (planar ? bandCount : 1);
  const offsetsTag = tiled ? TAG.TileOffsets : TAG.StripOffsets;
  const countsTag = tiled ? TAG.TileByteCounts : TAG.StripByteCounts;
  if (!ifd.has(offsetsTag) || !ifd.has(countsTag)) throw corrupt("block offsets or sizes are missing");
  // From the counts alone: a directory claiming millions of blocks is refused before they are loaded.
  if (ifd.count(offsetsTag) !== blockCount || ifd.count(countsTag) !== blockCount) {
    throw corrupt(`${ifd.count(offsetsTag)} data blocks for a ${width}×${height} raster`);
  }
  const block: BlockFormat = {
    compression: compressionCode,
    predictor,
    blockWidth,
    blockHeight,
    samplesPerBlockPixel,
    bitsPerSample: Array.from({ length: Math.min(bandCount, 256) }, (_, s) => perSample(bits, s, 1)),
    planarConfiguration: planar ? 2 : 1,
    bytesPerSample,
    littleEndian: ifd.littleEndian,
    ...(compressionCode === 34887
      ? { lercParameters: Array.from((await ifd.numbers(TAG.LercParameters)) ?? []) }
      : {}),
  };
  const layout: BandLayout = {
    sampleType,
    sample,
    pixelStride: samplesPerBlockPixel,
    sampleOffset: planar ? 0 : sample,
  };
  return { width, height, bandCount, band: requested, sampleType, compression, tiled, planar, block, layout };
}

/**
 * The most bytes one stored byte can decode to with each codec (DEFLATE's 258-byte matches in 2 bits ≈ 1032; LZW's
 * longest strings ≈ 1400; ZSTD's 128 KiB RLE blocks in 4 bytes = 32768; PackBits 128 from 2). LERC is not bounded:
 * a constant tile of any size is a short header.
 */
const MAX_RATIO: Record<number, number> = { 1: 1, 5: 1400, 8: 1032, 32946: 1032, 32773: 64, 50000: 32768 };

/**
 * The block offsets and sizes, all inside the source (when its size is known), and together large enough for the
 * raster the header claims: a few KiB cannot hold a terabyte raster, whatever the directory says.
 */
async function blockPlacement(
  ifd: TiffDirectory,
  format: { tiled: boolean; block: BlockFormat; width: number; height: number },
  size: number | undefined,
  file: string,
) {
  const { tiled, block } = format;
  const offsets = (await ifd.numbers(tiled ? TAG.TileOffsets : TAG.StripOffsets))!;
  const byteCounts = (await ifd.numbers(tiled ? TAG.TileByteCounts : TAG.StripByteCounts))!;
  const ratio = MAX_RATIO[block.compression];
  if (ratio !== undefined) {
    let stored = 0;
    let sparse = 0;
    for (let i = 0; i < byteCounts.length; i++) {
      stored += byteCounts[i]!;
      if (byteCounts[i] === 0) sparse++;
    }
    const blockBytes =
      block.blockWidth * block.blockHeight * block.samplesPerBlockPixel * block.bytesPerSample;
    // The last strip may be short: count the rows the raster has, not whole strips.
    const rowsStored = tiled
      ? block.blockHeight
      : format.height / Math.ceil(format.height / block.blockHeight);
    const needed = ((byteCounts.length - sparse) * blockBytes * rowsStored) / block.blockHeight;
    if (stored * ratio < needed) {
      throw new InputError(
        `corrupt TIFF: ${stored} bytes of ${block.compression === 1 ? "uncompressed" : COMPRESSION_NAMES[block.compression]} data cannot hold a ` +
          `${format.width}×${format.height} raster`,
        { file },
      );
    }
  }
  for (let i = 0; i < offsets.length; i++) {
    const end = offsets[i]! + byteCounts[i]!;
    if (size !== undefined && byteCounts[i]! > 0 && end > size) {
      throw new InputError(
        `truncated or corrupt TIFF: data block ${i} ends at byte ${end}, past the end of the file (${size} bytes)`,
        { file },
      );
    }
  }
  return { offsets, byteCounts };
}

/** Band scale, offset and unit from GDAL_METADATA; unusable numbers are ignored with a warning. */
function bandScaling(xml: string | undefined, band: number, warn: WarningHandler) {
  const items = bandMetadata(xml, band - 1);
  const numberItem = (name: string, fallback: number) => {
    const text = items.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() !== "" && Number.isFinite(value)) return value;
    warn(`band ${band} ${name.toLowerCase()} "${text.slice(0, 40)}" is not a number; using ${fallback}`);
    return fallback;
  };
  return {
    scale: numberItem("SCALE", 1),
    offset: numberItem("OFFSET", 0),
    bandUnit: items.get("UNITTYPE") || undefined,
  };
}

/** The nodata value: the option, else GDAL_NODATA, rounded to what `sampleType` can store. */
function nodataValue(
  text: string | undefined,
  sampleType: SampleType,
  options: OpenOptions,
  warn: WarningHandler,
): number | undefined {
  if (options.nodata !== undefined) {
    const value = roundToSampleType(options.nodata, sampleType);
    if (value === undefined) warn(`nodata ${options.nodata} cannot occur in ${sampleType} data; ignored`);
    return value;
  }
  return parseNodata(text, sampleType);
}

/**
 * The handle of image `ifd`; nodata, band metadata and georeferencing come from `main`, the full resolution (an
 * overview's directory holds only its pixels' layout, and its nodata when GDAL wrote it).
 */
async function createHandle(
  bytes: ByteSource,
  ifd: TiffDirectory,
  file: string,
  options: OpenOptions,
  main: TiffDirectory,
): Promise<DemHandle> {
  const warn = options.warn ?? (() => {});
  const format = await rasterFormat(ifd, options.band, file);
  const { width, height, bandCount, band, sampleType, compression, block, layout } = format;
  const placement = await blockPlacement(ifd, format, bytes.size, file);
  const nodataText = (await ifd.text(TAG.GDAL_NODATA)) ?? (await main.text(TAG.GDAL_NODATA));
  const nodata = nodataValue(nodataText, sampleType, options, warn);
  const metadata = await main.text(TAG.GDAL_METADATA);
  const { scale, offset, bandUnit } = bandScaling(metadata, band, warn);
  const stored = bandStatistics(metadata, band - 1);
  // Statistics are of the stored values; elevations are scaled.
  const statistics = stored && {
    min: Math.min(stored.min * scale + offset, stored.max * scale + offset),
    max: Math.max(stored.min * scale + offset, stored.max * scale + offset),
  };
  const tags = validateGeoKeys(await geoTiffTags(main, warn), warn);
  const georef =
    ifd === main
      ? georefFromTags(tags, { width, height, bandUnit }, warn)
      : await overviewGeoref(main, tags, { width, height, bandUnit }, warn);
  const grid: BlockGrid = {
    width,
    height,
    blockWidth: block.blockWidth,
    blockHeight: block.blockHeight,
    tiled: format.tiled,
    planar: format.planar,
    blockPixelBytes: block.samplesPerBlockPixel * block.bytesPerSample,
    ...placement,
    sparseValue: nodata === undefined || Number.isNaN(nodata) ? 0 : nodata,
  };
  const decoder = await blockDecoder(block, file);
  const rows = new BlockRows(bytes, grid, decoder, layout);

  /** Refuses windows that are not whole pixels inside the raster. */
  const checkWindow = ({ x, y, width: w, height: h }: Window) => {
    const whole = [x, y, w, h].every((n) => Number.isInteger(n) && n >= 0);
    if (!whole || x + w > width || y + h > height) {
      throw new InputError(`window x=${x} y=${y} ${w}×${h} is not inside the ${width}×${height} raster`, {
        file,
      });
    }
  };

  return {
    source: file,
    width,
    height,
    bandCount,
    band,
    sampleType,
    nodata,
    scale,
    offset,
    bandUnit,
    statistics,
    layout: {
      tiled: format.tiled,
      blockWidth: block.blockWidth,
      blockHeight: block.blockHeight,
      compression,
      bigTiff: ifd.bigTiff,
    },
    georef,
    async readRows(firstRow, rowCount, out) {
      try {
        checkWindow({ x: 0, y: firstRow, width, height: rowCount });
        const n = rowCount * width;
        const result = out ?? new Float64Array(n);
        if (result.length < n) {
          throw new InputError(`readRows: the output array holds ${result.length} values, ${n} are needed`, {
            file,
          });
        }
        await rows.copy(0, width, firstRow, rowCount, result);
        toElevations(result, n, nodata ?? Number.NaN, scale, offset);
        return result;
      } catch (error) {
        throw inputError(file, error);
      }
    },
    async readWindow(window) {
      try {
        checkWindow(window);
        const n = window.width * window.height;
        const out =
          sampleType === "Float64" || sampleType === "Int32" || sampleType === "UInt32"
            ? new Float64Array(n)
            : new Float32Array(n);
        await rows.copy(window.x, window.width, window.y, window.height, out);
        return out;
      } catch (error) {
        throw inputError(file, error);
      }
    },
    async close() {
      rows.clear();
      await bytes.close();
    },
  };
}

/** The full resolution's georeferencing for an overview of `size`: the geotransform's steps scaled to it. */
async function overviewGeoref(
  main: TiffDirectory,
  tags: GeoTiffTags,
  size: { width: number; height: number; bandUnit: string | undefined },
  warn: WarningHandler,
): Promise<Georef> {
  const fullWidth = await main.number(TAG.ImageWidth, size.width);
  const fullHeight = await main.number(TAG.ImageLength, size.height);
  const full = georefFromTags(tags, { width: fullWidth, height: fullHeight, bandUnit: size.bandUnit }, warn);
  const gt = full.geoTransform;
  const sx = fullWidth / size.width;
  const sy = fullHeight / size.height;
  return {
    ...full,
    width: size.width,
    height: size.height,
    geoTransform: gt && [gt[0], gt[1] * sx, gt[2] * sy, gt[3], gt[4] * sx, gt[5] * sy],
  };
}

/** Rows per read in readDem (bounds the temporary stored-value array). */
const ROWS_PER_READ = 256;

/**
 * Nodata and NaN become NaN; other values are scaled (and converted to metres by `metres`). One monomorphic loop
 * over the first `n` values.
 */
function toElevations(
  out: Float64Array,
  n: number,
  nodata: number,
  scale: number,
  offset: number,
  metres = 1,
): void {
  if (scale === 1 && offset === 0 && metres === 1) {
    for (let i = 0; i < n; i++) {
      const v = out[i]!;
      if (v === nodata) out[i] = Number.NaN;
    }
  } else if (metres === 1) {
    for (let i = 0; i < n; i++) {
      const v = out[i]!;
      out[i] = v === nodata ? Number.NaN : v * scale + offset;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = out[i]!;
      out[i] = v === nodata ? Number.NaN : (v * scale + offset) * metres;
    }
  }
}

/** The georeferencing tags as the file gives them (the GeoKey directory is validated afterwards). */
async function geoTiffTags(ifd: TiffDirectory, warn: WarningHandler): Promise<GeoTiffTags> {
  const tags: GeoTiffTags = {};
  /** The values of a transform tag when their count is one the GeoTIFF spec allows and all are finite. */
  const transform = async (tag: number, fits: (count: number) => boolean) => {
    const values = await ifd.numbers(tag);
    if (!values) return undefined;
    if (fits(values.length) && values.every(Number.isFinite)) return Array.from(values);
    warn(`tag ${tag} (${TAG_NAMES[tag]}) has ${values.length} unusable values; ignored`);
    return undefined;
  };
  const numbers = async (tag: number) => {
    const values = await ifd.numbers(tag);
    return values ? Array.from(values) : undefined;
  };
  const set = <K extends keyof GeoTiffTags>(key: K, value: GeoTiffTags[K] | undefined) => {
    if (value !== undefined) tags[key] = value;
  };
  set("ModelPixelScale", await transform(TAG.ModelPixelScale, (n) => n === 2 || n === 3));
  set("ModelTiepoint", await transform(TAG.ModelTiepoint, (n) => n >= 6 && n % 6 === 0));
  set("ModelTransformation", await transform(TAG.ModelTransformation, (n) => n === 16));
  set("GeoKeyDirectory", await numbers(TAG.GeoKeyDirectory));
  set("GeoDoubleParams", await numbers(TAG.GeoDoubleParams));
  // The text is kept without the terminating NUL the writer adds back.
  set("GeoAsciiParams", await ifd.text(TAG.GeoAsciiParams));
  return tags;
}

/** Refuses a `verticalUnit` option that names no unit (any name GDAL writes is one); returns the unit it names. */
function verticalUnitOption(value: unknown): Georef["verticalUnit"] | undefined {
  if (value === undefined) return undefined;
  const unit = typeof value === "string" ? unitFromName(value) : undefined;
  if (!unit) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new RangeError(
      `readDem: option verticalUnit must be a unit name such as m, ft or us-ft, got ${shown}`,
    );
  }
  return { ...unit, source: "option" };
}

/**
 * Reads a whole DEM (or a window of it) into memory: elevations in metres, NaN for nodata (see `Dem`). The file's
 * vertical unit is found as the CLI finds it; `verticalUnit` ("m", "ft", "us-ft", …) overrides it, as
 * `--vertical-unit` does. A unit assumed from the CRS is said once through `warn`.
 *
 * @example
 * ```ts
 * import { readDem } from "demgrad";
 * const dem = await readDem("dem.tif");
 * console.log(dem.width, dem.height, dem.verticalUnit.name, dem.georef.crs.epsg); // dem.data: metres, NaN = nodata
 * ```
 */
export async function readDem(
  source: DemSource,
  options: OpenOptions & { window?: Window; verticalUnit?: string } = {},
): Promise<Dem> {
  checkOpenOptions("readDem", source, options);
  checkWindowOption(options.window);
  const override = verticalUnitOption(options.verticalUnit);
  const handle = await openDem(source, options);
  try {
    const window = options.window ?? { x: 0, y: 0, width: handle.width, height: handle.height };
    const { scale, offset } = handle;
    const verticalUnit = override ?? handle.georef.verticalUnit;
    const assumed = assumedVerticalUnitWarning(verticalUnit, false);
    if (assumed) options.warn?.(assumed);
    // Real units in float64 as readRows (and so processDem and the CLI) computes them, then metres.
    const data = new Float64Array(window.width * window.height);
    for (let row = 0; row < window.height; row += ROWS_PER_READ) {
      const rows = Math.min(ROWS_PER_READ, window.height - row);
      const part = await handle.readWindow({
        x: window.x,
        y: window.y + row,
        width: window.width,
        height: rows,
      });
      data.set(part, row * window.width);
    }
    toElevations(data, data.length, handle.nodata ?? Number.NaN, scale, offset, verticalUnit.metres);
    const gt = handle.georef.geoTransform;
    // A window's georeferencing: its own size, the transform shifted to its top-left corner.
    const georef: Georef = options.window
      ? {
          ...handle.georef,
          verticalUnit,
          width: window.width,
          height: window.height,
          geoTransform: gt && [
            gt[0] + window.x * gt[1] + window.y * gt[2],
            gt[1],
            gt[2],
            gt[3] + window.x * gt[4] + window.y * gt[5],
            gt[4],
            gt[5],
          ],
        }
      : { ...handle.georef, verticalUnit };
    return {
      width: window.width,
      height: window.height,
      data,
      nodata: handle.nodata,
      scale,
      offset,
      verticalUnit,
      sampleType: handle.sampleType,
      georef,
      source: handle.source,
    };
  } finally {
    await handle.close();
  }
}
