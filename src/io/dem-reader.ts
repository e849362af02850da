/**
 * Reading DEM GeoTIFFs: a lazy handle that reads row strips fast (whole block rows copied at once, node:zlib
 * DEFLATE), and `readDem` for a whole raster or window. Every failure becomes one `InputError`.
 */
import { stat } from "node:fs/promises";
import { fromArrayBuffer, fromFile, fromUrl, type GeoTIFF, type GeoTIFFImage, getDecoder } from "geotiff";
import { InputError, type WarningHandler } from "../errors.js";
import { georefFromTags } from "../geo/georef.js";
import type { Georef, GeoTiffTags } from "../geo/types.js";
import { registerFastDecoders } from "./decoders.js";
import { bandMetadata, parseNodata, roundToSampleType } from "./gdal-metadata.js";
import { type SampleType, sampleTypeOf } from "./sample-types.js";

export type { SampleType } from "./sample-types.js";

/** A file path, an http(s) URL (read with range requests), or the file's bytes. */
export type DemSource = string | URL | ArrayBuffer;

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
  5: "LZW",
  7: "JPEG",
  8: "DEFLATE",
  32773: "PackBits",
  32946: "DEFLATE",
  34887: "LERC",
  50000: "ZSTD",
  34925: "LZMA",
  50001: "WEBP",
  50002: "JXL",
};
const SUPPORTED_COMPRESSION = new Set([1, 5, 8, 32773, 32946, 34887, 50000]);

function describe(source: DemSource): string {
  if (typeof source === "string") return source;
  if (source instanceof URL) return source.href;
  return "<buffer>";
}

/** Turns whatever geotiff.js or the file system threw into one readable line. */
function inputError(file: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const e = error as NodeJS.ErrnoException;
  const message =
    e?.code === "ENOENT"
      ? "no such file"
      : e?.code === "EACCES"
        ? "permission denied"
        : e?.code === "EISDIR"
          ? "is a folder, not a GeoTIFF"
          : /Invalid byte order|TIFF|magic/i.test(String(e?.message))
            ? "not a TIFF file"
            : /offset|out of bounds|outside the bounds|RangeError|beyond|end of file|EOF/i.test(
                  `${e?.name} ${e?.message}`,
                )
              ? "truncated or corrupt TIFF (data past the end of the file)"
              : `cannot read: ${String(e?.message ?? error)}`;
  return new InputError(message, { file, cause: error });
}

/** The size of the source in bytes, where it is known before reading (files and buffers). */
async function sourceSize(source: DemSource): Promise<number | undefined> {
  if (source instanceof ArrayBuffer) return source.byteLength;
  if (typeof source === "string" && !/^https?:\/\//i.test(source)) return (await stat(source)).size;
  return undefined;
}

/** Refuses files whose blocks lie (partly) past the end: truncated downloads, corrupt directories. */
async function checkBlocksInside(image: GeoTIFFImage, size: number | undefined, file: string): Promise<void> {
  if (size === undefined) return;
  const ifd = image.fileDirectory;
  const tiled = ifd.hasTag("TileOffsets");
  const offsets = (await ifd.loadValue(tiled ? "TileOffsets" : "StripOffsets")) as
    | ArrayLike<number | bigint>
    | undefined;
  const counts = (await ifd.loadValue(tiled ? "TileByteCounts" : "StripByteCounts")) as
    | ArrayLike<number | bigint>
    | undefined;
  if (!offsets || !counts || offsets.length !== counts.length) {
    throw new InputError("corrupt TIFF: block offsets or sizes are missing", { file });
  }
  // The directory must describe as many blocks as the raster's size needs (a damaged size field fails here).
  const width = image.getWidth();
  const height = image.getHeight();
  const blockWidth = image.getTileWidth();
  const blockHeight = image.getTileHeight();
  const planes =
    Number((await ifd.loadValue("PlanarConfiguration")) ?? 1) === 2 ? image.getSamplesPerPixel() : 1;
  const expected = Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) * planes;
  if (!(width > 0 && height > 0 && blockWidth > 0 && blockHeight > 0) || offsets.length !== expected) {
    throw new InputError(`corrupt TIFF: ${offsets.length} data blocks for a ${width}×${height} raster`, {
      file,
    });
  }
  for (let i = 0; i < offsets.length; i++) {
    if (Number(offsets[i]) + Number(counts[i]) > size) {
      throw new InputError("truncated or corrupt TIFF (data past the end of the file)", { file });
    }
  }
}

async function openTiff(source: DemSource, file: string): Promise<GeoTIFF> {
  if (typeof source === "string" && /^https?:\/\//i.test(source)) return fromUrl(source);
  if (source instanceof URL) return fromUrl(source.href);
  if (source instanceof ArrayBuffer) return fromArrayBuffer(source);
  const info = await stat(file);
  if (info.isDirectory()) throw new InputError("is a folder, not a GeoTIFF", { file });
  if (info.size === 0) throw new InputError("empty file", { file });
  if (info.size < 8) throw new InputError("not a TIFF file", { file });
  return fromFile(file);
}

/**
 * Opens a DEM for reading strips or windows.
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
  const file = describe(source);
  registerFastDecoders();
  let tiff: GeoTIFF | undefined;
  try {
    tiff = await openTiff(source, file);
    const image = await tiff.getImage();
    await checkBlocksInside(image, await sourceSize(source), file);
    return await createHandle(tiff, image, file, options);
  } catch (error) {
    tiff?.close();
    throw inputError(file, error);
  }
}

async function createHandle(
  tiff: GeoTIFF,
  image: GeoTIFFImage,
  file: string,
  options: OpenOptions,
): Promise<DemHandle> {
  const ifd = image.fileDirectory;
  const width = image.getWidth();
  const height = image.getHeight();
  const bandCount = image.getSamplesPerPixel();
  if (![width, height, bandCount].every((n) => Number.isInteger(n) && n > 0) || bandCount > 65535) {
    throw new InputError("corrupt TIFF: invalid image size or band count", { file });
  }
  const band = options.band ?? 1;
  if (!Number.isInteger(band) || band < 1 || band > bandCount) {
    throw new InputError(
      `band ${band} requested but the file has ${bandCount} band${bandCount === 1 ? "" : "s"}`,
      {
        file,
      },
    );
  }
  const sample = band - 1;
  const compressionCode = Number((await ifd.loadValue("Compression")) ?? 1);
  const compression = COMPRESSION_NAMES[compressionCode] ?? `code ${compressionCode}`;
  if (!SUPPORTED_COMPRESSION.has(compressionCode)) {
    throw new InputError(`unsupported compression ${compression}`, { file, code: "UNSUPPORTED" });
  }
  const sampleType = sampleTypeOf(image.getSampleFormat(sample), image.getBitsPerSample(sample));
  if (!sampleType) {
    throw new InputError(
      `unsupported sample format (SampleFormat ${image.getSampleFormat(sample)}, ${image.getBitsPerSample(sample)} bits)`,
      { file, code: "UNSUPPORTED" },
    );
  }
  const nodataTag = ifd.hasTag("GDAL_NODATA") ? String(ifd.getValue("GDAL_NODATA")) : undefined;
  const nodata =
    options.nodata !== undefined
      ? roundToSampleType(options.nodata, sampleType)
      : parseNodata(nodataTag, sampleType);
  const metadataXml = ifd.hasTag("GDAL_METADATA") ? String(await ifd.loadValue("GDAL_METADATA")) : undefined;
  const metadata = bandMetadata(metadataXml, sample);
  const scale = metadata.has("SCALE") ? Number(metadata.get("SCALE")) : 1;
  const offset = metadata.has("OFFSET") ? Number(metadata.get("OFFSET")) : 0;
  const bandUnit = metadata.get("UNITTYPE") || undefined;
  const tags = await geoTiffTags(image);
  const georef = georefFromTags(tags, { width, height, bandUnit }, options.warn);
  const tileWidth = image.getTileWidth();
  const tileHeight = image.getTileHeight();
  const planar = Number((await ifd.loadValue("PlanarConfiguration")) ?? 1);
  const decoder = await getDecoder(compressionCode, {
    tileWidth,
    tileHeight,
    planarConfiguration: planar,
    bitsPerSample: (await ifd.loadValue("BitsPerSample")) as number[],
    predictor: Number((await ifd.loadValue("Predictor")) ?? 1),
    samplesPerPixel: bandCount,
    ...(compressionCode === 34887 ? { LercParameters: await ifd.loadValue("LercParameters") } : {}),
  } as Parameters<typeof getDecoder>[1]);
  const bytesPerSample = image.getBitsPerSample(sample) / 8;
  const swap = !image.littleEndian && bytesPerSample > 1;
  const blocksAcross = Math.ceil(width / tileWidth);
  const pixelStride = planar === 1 ? bandCount : 1;

  // The decoded blocks of the current block row, so reading strips in order decodes each block once.
  let cachedRow = -1;
  let cachedBlocks: ArrayLike<number>[] = [];
  async function blockRow(blockY: number): Promise<ArrayLike<number>[]> {
    if (blockY === cachedRow) return cachedBlocks;
    // All blocks of the row at once: their reads overlap instead of waiting on each other.
    const blocks = await Promise.all(
      Array.from({ length: blocksAcross }, async (_, bx) => {
        const { data } = await image.getTileOrStrip(bx, blockY, sample, decoder);
        // Decoded blocks keep the file's byte order: big-endian files need swapping to read them natively.
        if (swap) swapBytes(new Uint8Array(data), bytesPerSample);
        return image.getArrayForSample(sample, data) as unknown as ArrayLike<number>;
      }),
    );
    cachedRow = blockY;
    cachedBlocks = blocks;
    return blocks;
  }

  /** Copies rows of the stored values into `out` through `convert`. */
  async function copyRows(
    x: number,
    w: number,
    firstRow: number,
    rowCount: number,
    out: Float32Array | Float64Array,
    convert: boolean,
  ): Promise<void> {
    if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > height || x < 0 || x + w > width) {
      throw new InputError(
        `window rows ${firstRow}–${firstRow + rowCount} × columns ${x}–${x + w} is outside the ${width}×${height} raster`,
        { file },
      );
    }
    const noData = nodata;
    const hasNodata = noData !== undefined && !Number.isNaN(noData);
    for (let row = firstRow; row < firstRow + rowCount; row++) {
      const blockY = Math.floor(row / tileHeight);
      const blocks = await blockRow(blockY);
      const inBlock = row - blockY * tileHeight;
      let o = (row - firstRow) * w;
      for (let bx = Math.floor(x / tileWidth); bx * tileWidth < x + w; bx++) {
        const block = blocks[bx]!;
        const c0 = Math.max(x, bx * tileWidth);
        const c1 = Math.min(x + w, (bx + 1) * tileWidth, width);
        let i = (inBlock * tileWidth + (c0 - bx * tileWidth)) * pixelStride;
        if (pixelStride === 1) {
          // Native typed-array copy (with type conversion); nodata and scale in one pass over the output below.
          out.set((block as Float64Array).subarray(i, i + (c1 - c0)), o);
          o += c1 - c0;
          continue;
        }
        for (let c = c0; c < c1; c++, i += pixelStride) out[o++] = block[i]!;
      }
      if (convert) markNodata(out, (row - firstRow) * w, w, hasNodata ? noData! : Number.NaN, scale, offset);
    }
  }

  const windowArray = (n: number) =>
    sampleType === "Float64" || sampleType === "Int32" || sampleType === "UInt32"
      ? new Float64Array(n)
      : new Float32Array(n);

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
      blockWidth: tileWidth,
      blockHeight: tileHeight,
      compression,
      bigTiff: tiff.bigTiff,
    },
    georef,
    async readRows(firstRow, rowCount, out) {
      const result = out ?? new Float64Array(rowCount * width);
      try {
        await copyRows(0, width, firstRow, rowCount, result, true);
      } catch (error) {
        throw inputError(file, error);
      }
      return result;
    },
    async readWindow(window) {
      const out = windowArray(window.width * window.height);
      try {
        await copyRows(window.x, window.width, window.y, window.height, out, false);
      } catch (error) {
        throw inputError(file, error);
      }
      return out;
    },
    async close() {
      cachedBlocks = [];
      tiff.close();
    },
  };
}

/** Nodata and NaN become NaN; other values are scaled. One monomorphic loop over a Float64/Float32 row. */
function markNodata(
  out: Float32Array | Float64Array,
  start: number,
  n: number,
  nodata: number,
  scale: number,
  offset: number,
) {
  const plain = scale === 1 && offset === 0;
  for (let i = start; i < start + n; i++) {
    const v = out[i]!;
    if (v === nodata || v !== v) out[i] = Number.NaN;
    else if (!plain) out[i] = v * scale + offset;
  }
}

/** Reverses the byte order of every `size`-byte sample in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
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
    const georef: Georef =
      options.window && gt
        ? {
            ...handle.georef,
            width: window.width,
            height: window.height,
            geoTransform: [
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
