/**
 * Reading DEM GeoTIFFs: a lazy handle that reads row strips fast (whole block rows copied at once, node:zlib
 * DEFLATE), and `readDem` for a whole raster or window. Every failure becomes one `InputError`.
 */
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import { InputError, type WarningHandler } from "../errors.js";
import { georefFromTags } from "../geo/georef.js";
import type { Georef, GeoTiffTags } from "../geo/types.js";
import { type BlockFormat, hostOrderDecoder } from "./decoders.js";
import { type BandLayout, BlockRows } from "./dem-blocks.js";
import { bandMetadata, parseNodata, roundToSampleType } from "./gdal-metadata.js";
import { type SampleType, sampleTypeOf } from "./sample-types.js";
import { checkBlocksInside, type DemSource, describeSource, inputError, openTiff } from "./source.js";

export type { SampleType } from "./sample-types.js";
export type { DemSource } from "./source.js";

export interface OpenOptions {
  /** 1-based band (default 1). */
  band?: number;
  /** Overrides the file's nodata value. */
  nodata?: number;
  warn?: WarningHandler;
}

export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A DEM opened lazily: metadata now, pixels on demand. */
export interface DemHandle {
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly bandCount: number;
  readonly band: number;
  readonly sampleType: SampleType;
  readonly nodata: number | undefined;
  readonly scale: number;
  readonly offset: number;
  readonly bandUnit: string | undefined;
  readonly layout: {
    tiled: boolean;
    blockWidth: number;
    blockHeight: number;
    compression: string;
    bigTiff: boolean;
  };
  readonly georef: Georef;
  /** Rows [firstRow, firstRow + rowCount) as float64: scale/offset applied; nodata and NaN become NaN. */
  readRows(firstRow: number, rowCount: number, out?: Float64Array): Promise<Float64Array>;
  /** A window of stored values (nodata kept): Float64Array for 32-bit integers and Float64, else Float32Array. */
  readWindow(window: Window): Promise<Float32Array | Float64Array>;
  close(): Promise<void>;
}

/** A whole DEM (or window) in memory. */
export interface Dem {
  width: number;
  height: number;
  data: Float32Array | Float64Array;
  nodata: number | undefined;
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
  const file = describeSource(source);
  let tiff: GeoTIFF | undefined;
  try {
    const opened = await openTiff(source);
    tiff = opened.tiff;
    const image = await tiff.getImage();
    await checkBlocksInside(image, opened.size, file);
    return await createHandle(tiff, image, file, options);
  } catch (error) {
    await Promise.resolve(tiff?.close()).catch(() => {});
    throw inputError(file, error);
  }
}

/** The sample type, compression and block format of `band` (1-based), or an UNSUPPORTED InputError. */
async function bandFormat(image: GeoTIFFImage, band: number, file: string) {
  const ifd = image.fileDirectory;
  const unsupported = (what: string) => new InputError(`unsupported ${what}`, { file, code: "UNSUPPORTED" });
  const compressionCode = Number((await ifd.loadValue("Compression")) ?? 1);
  const compression = COMPRESSION_NAMES[compressionCode] ?? "unknown";
  if (!SUPPORTED_COMPRESSION.has(compressionCode)) {
    throw unsupported(`compression ${compression} (code ${compressionCode})`);
  }
  const typeOf = (sample: number) =>
    sampleTypeOf(image.getSampleFormat(sample), image.getBitsPerSample(sample));
  const sampleType = typeOf(band - 1);
  if (!sampleType) {
    const format = image.getSampleFormat(band - 1);
    throw unsupported(
      `sample format: ${SAMPLE_FORMAT_NAMES[format] ?? `SampleFormat ${format}`}, ${image.getBitsPerSample(band - 1)} bits`,
    );
  }
  const bandCount = image.getSamplesPerPixel();
  const chunky = image.planarConfiguration === 1;
  if (chunky && Array.from({ length: bandCount }, (_, s) => typeOf(s)).some((t) => t !== sampleType)) {
    throw unsupported("layout: bands of different sample types interleaved in one block");
  }
  const bytesPerSample = image.getBitsPerSample(band - 1) / 8;
  const predictor = Number((await ifd.loadValue("Predictor")) ?? 1);
  const predictorFits =
    predictor === 1 ||
    (predictor === 2 && bytesPerSample <= 4) ||
    (predictor === 3 && sampleType.startsWith("Float"));
  if (!predictorFits) throw unsupported(`predictor ${predictor} for ${sampleType} samples`);
  const block: BlockFormat = {
    compression: compressionCode,
    predictor,
    blockWidth: image.getTileWidth(),
    blockHeight: image.getTileHeight(),
    samplesPerBlockPixel: chunky ? bandCount : 1,
    bitsPerSample: Array.from((await ifd.loadValue("BitsPerSample")) as ArrayLike<number>, Number),
    planarConfiguration: image.planarConfiguration,
    bytesPerSample,
    littleEndian: image.littleEndian,
    ...(compressionCode === 34887 ? { lercParameters: await ifd.loadValue("LercParameters") } : {}),
  };
  const layout: BandLayout = {
    sampleType,
    sample: band - 1,
    pixelStride: chunky ? bandCount : 1,
    sampleOffset: chunky ? band - 1 : 0,
  };
  return { sampleType, compression, block, layout };
}

/** Band scale, offset and unit from GDAL_METADATA; unusable numbers are ignored with a warning. */
async function bandScaling(image: GeoTIFFImage, band: number, warn: WarningHandler) {
  const ifd = image.fileDirectory;
  const xml = ifd.hasTag("GDAL_METADATA") ? String(await ifd.loadValue("GDAL_METADATA")) : undefined;
  const items = bandMetadata(xml, band - 1);
  const numberItem = (name: string, fallback: number) => {
    const text = items.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() !== "" && Number.isFinite(value)) return value;
    warn(`band ${band} ${name.toLowerCase()} "${text}" is not a number; using ${fallback}`);
    return fallback;
  };
  return {
    scale: numberItem("SCALE", 1),
    offset: numberItem("OFFSET", 0),
    bandUnit: items.get("UNITTYPE") || undefined,
  };
}

/** The nodata value: the option, else GDAL_NODATA, rounded to what `sampleType` can store. */
async function nodataValue(
  image: GeoTIFFImage,
  sampleType: SampleType,
  options: OpenOptions,
  warn: WarningHandler,
): Promise<number | undefined> {
  if (options.nodata !== undefined) {
    const value = roundToSampleType(options.nodata, sampleType);
    if (value === undefined) warn(`nodata ${options.nodata} cannot occur in ${sampleType} data; ignored`);
    return value;
  }
  const ifd = image.fileDirectory;
  const text = ifd.hasTag("GDAL_NODATA") ? String(await ifd.loadValue("GDAL_NODATA")) : undefined;
  return parseNodata(text, sampleType);
}

async function createHandle(
  tiff: GeoTIFF,
  image: GeoTIFFImage,
  file: string,
  options: OpenOptions,
): Promise<DemHandle> {
  const warn = options.warn ?? (() => {});
  const width = image.getWidth();
  const height = image.getHeight();
  const bandCount = image.getSamplesPerPixel();
  if (![width, height, bandCount].every((n) => Number.isInteger(n) && n > 0) || bandCount > 65535) {
    throw new InputError("corrupt TIFF: invalid image size or band count", { file });
  }
  const band = options.band ?? 1;
  if (!Number.isInteger(band) || band < 1 || band > bandCount) {
    const bands = `${bandCount} band${bandCount === 1 ? "" : "s"}`;
    throw new InputError(`band ${band} requested but the file has ${bands}`, { file });
  }
  const { sampleType, compression, block, layout } = await bandFormat(image, band, file);
  const nodata = await nodataValue(image, sampleType, options, warn);
  const { scale, offset, bandUnit } = await bandScaling(image, band, warn);
  const georef = georefFromTags(await geoTiffTags(image), { width, height, bandUnit }, warn);
  const rows = new BlockRows(image, await hostOrderDecoder(block), layout, file);

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
    layout: {
      tiled: image.isTiled,
      blockWidth: block.blockWidth,
      blockHeight: block.blockHeight,
      compression,
      bigTiff: tiff.bigTiff,
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
      await tiff.close();
    },
  };
}

/** Nodata and NaN become NaN; other values are scaled. One monomorphic loop over the first `n` values. */
function toElevations(out: Float64Array, n: number, nodata: number, scale: number, offset: number): void {
  if (scale === 1 && offset === 0) {
    for (let i = 0; i < n; i++) {
      const v = out[i]!;
      if (v === nodata) out[i] = Number.NaN;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    out[i] = v === nodata ? Number.NaN : v * scale + offset;
  }
}

/** The georeferencing tags, verbatim. */
async function geoTiffTags(image: GeoTIFFImage): Promise<GeoTiffTags> {
  const ifd = image.fileDirectory;
  const tags: GeoTiffTags = {};
  const numbers = async (name: string) =>
    ifd.hasTag(name as never)
      ? Array.from((await ifd.loadValue(name as never)) as ArrayLike<number>, Number)
      : undefined;
  const set = <K extends keyof GeoTiffTags>(key: K, value: GeoTiffTags[K] | undefined) => {
    if (value !== undefined) tags[key] = value;
  };
  set("ModelPixelScale", await numbers("ModelPixelScale"));
  set("ModelTiepoint", await numbers("ModelTiepoint"));
  set("ModelTransformation", await numbers("ModelTransformation"));
  set("GeoKeyDirectory", await numbers("GeoKeyDirectory"));
  set("GeoDoubleParams", await numbers("GeoDoubleParams"));
  // The text is kept verbatim, without the terminating NUL the writer adds back.
  if (ifd.hasTag("GeoAsciiParams"))
    tags.GeoAsciiParams = String(await ifd.loadValue("GeoAsciiParams")).replace(/\0+$/, "");
  return tags;
}

/**
 * Reads a whole DEM (or a window of it) into memory.
 *
 * @example
 * ```ts
 * import { readDem } from "demgrad";
 * const dem = await readDem("dem.tif");
 * console.log(dem.width, dem.height, dem.nodata, dem.georef.crs.epsg);
 * ```
 */
export async function readDem(
  source: DemSource,
  options: OpenOptions & { window?: Window } = {},
): Promise<Dem> {
  const handle = await openDem(source, options);
  try {
    const window = options.window ?? { x: 0, y: 0, width: handle.width, height: handle.height };
    const data = await handle.readWindow(window);
    const gt = handle.georef.geoTransform;
    // A window's georeferencing: its own size, the transform shifted to its top-left corner.
    const georef: Georef = options.window
      ? {
          ...handle.georef,
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
      : handle.georef;
    return {
      width: window.width,
      height: window.height,
      data,
      nodata: handle.nodata,
      sampleType: handle.sampleType,
      georef,
      source: handle.source,
    };
  } finally {
    await handle.close();
  }
}
