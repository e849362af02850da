/**
 * Our streaming GeoTIFF writer (DESIGN §7): little-endian, tiled 256×256, DEFLATE/LZW/none with the right
 * predictor, BigTIFF when the file could pass 4 GiB, georeferencing and GDAL tags. Rows arrive in order; each
 * complete tile row is compressed in parallel (libuv threadpool) while the caller computes the next strip.
 * Memory is one tile row per band. The file appears atomically on `finish()`.
 */
import { type FileHandle, open } from "node:fs/promises";
import { AbortError, DemgradError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { commitAll, discardAll, outputError, temporaryName } from "./atomic.js";
import { applyPredictor, COMPRESSION_CODE, type Codec, compressTile } from "./tiff-compress.js";
import { encodeDirectory, encodeHeader, FieldType, type TiffField } from "./tiff-directory.js";

export type OutputSampleType = "Byte" | "Int16" | "UInt16" | "Int32" | "Float32" | "Float64";
export type Compression = Codec;

export interface RasterWriterOptions {
  width: number;
  height: number;
  /** Number of bands (default 1). */
  bands?: number;
  sampleType: OutputSampleType;
  /** Georeferencing to write (GeoKeys copied verbatim; the transform from `geoTransform`). */
  georef?: Georef | undefined;
  /** GDAL_NODATA; for PNG, pixels equal to it become transparent. */
  nodata?: number | undefined;
  /** GeoTIFF compression (default "deflate"). */
  compress?: Compression;
  bandDescriptions?: string[];
  units?: string[];
  signal?: AbortSignal | undefined;
  /** Testing aid: force BigTIFF even for small files. */
  forceBigTiff?: boolean;
}

/** A raster being written: rows in order, then `finish` (or `abort`). */
export interface RasterWriter {
  /** Appends `rowCount` rows; `bands[b]` holds rowCount × width values of band b. */
  writeRows(bands: ArrayLike<number>[], rowCount: number): Promise<void>;
  /** Completes the file and renames it into place. */
  finish(): Promise<void>;
  /** Removes the temporary file; safe to call twice or after a failure. */
  abort(): Promise<void>;
}

const TILE = 256;
/** Tiles compressed at once (libuv's threadpool has 4 threads by default). */
const COMPRESS_BATCH = 8;
const SAMPLE = {
  Byte: { bytes: 1, format: 1, array: Uint8Array, predictor: 2 },
  Int16: { bytes: 2, format: 2, array: Int16Array, predictor: 2 },
  UInt16: { bytes: 2, format: 1, array: Uint16Array, predictor: 2 },
  Int32: { bytes: 4, format: 2, array: Int32Array, predictor: 2 },
  Float32: { bytes: 4, format: 3, array: Float32Array, predictor: 3 },
  Float64: { bytes: 8, format: 3, array: Float64Array, predictor: 3 },
} as const;

/** Whether a file of this size could pass the 4 GiB classic-TIFF limit (decided before writing). */
export function needsBigTiff(width: number, height: number, bands: number, bytesPerSample: number): boolean {
  const tiles = Math.ceil(width / TILE) * Math.ceil(height / TILE) * bands;
  const uncompressed = tiles * TILE * TILE * bytesPerSample;
  // Worst case: DEFLATE of incompressible data grows slightly; keep a margin for the directory and tag data.
  return uncompressed * 1.01 + tiles * 16 + (1 << 20) > 2 ** 32 - 1;
}

/** GDAL_NODATA text as GDAL writes it. */
export function nodataText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

/** GDAL_METADATA XML with per-band description and unit. */
export function gdalMetadataXml(descriptions: string[] = [], units: string[] = []): string | undefined {
  const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const items: string[] = [];
  descriptions.forEach((d, i) => {
    if (d) items.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${xml(d)}</Item>`);
  });
  units.forEach((u, i) => {
    if (u) items.push(`  <Item name="UNITTYPE" sample="${i}" role="unittype">${xml(u)}</Item>`);
  });
  return items.length ? `<GDALMetadata>\n${items.join("\n")}\n</GDALMetadata>\n` : undefined;
}

/** Georeferencing fields: the transform rewritten from the geotransform, the GeoKeys copied verbatim. */
function georefFields(georef: Georef | undefined): TiffField[] {
  if (!georef) return [];
  const fields: TiffField[] = [];
  const { tags, geoTransform: gt } = georef;
  if (gt) {
    const keys = tags.GeoKeyDirectory ?? [];
    let pixelIsPoint = false;
    for (let k = 4; k + 3 < keys.length; k += 4)
      if (keys[k] === 1025 && keys[k + 1] === 0) pixelIsPoint = keys[k + 3] === 2;
    const x0 = pixelIsPoint ? gt[0] + 0.5 * gt[1] + 0.5 * gt[2] : gt[0];
    const y0 = pixelIsPoint ? gt[3] + 0.5 * gt[4] + 0.5 * gt[5] : gt[3];
    if (gt[2] === 0 && gt[4] === 0 && gt[1] > 0 && gt[5] < 0) {
      fields.push({ tag: 33550, type: FieldType.DOUBLE, values: [gt[1], -gt[5], 0] });
      fields.push({ tag: 33922, type: FieldType.DOUBLE, values: [0, 0, 0, x0, y0, 0] });
    } else {
      fields.push({
        tag: 34264,
        type: FieldType.DOUBLE,
        values: [gt[1], gt[2], 0, x0, gt[4], gt[5], 0, y0, 0, 0, 0, 0, 0, 0, 0, 1],
      });
    }
  } else {
    if (tags.ModelPixelScale)
      fields.push({ tag: 33550, type: FieldType.DOUBLE, values: tags.ModelPixelScale });
    if (tags.ModelTiepoint) fields.push({ tag: 33922, type: FieldType.DOUBLE, values: tags.ModelTiepoint });
    if (tags.ModelTransformation)
      fields.push({ tag: 34264, type: FieldType.DOUBLE, values: tags.ModelTransformation });
  }
  if (tags.GeoKeyDirectory) fields.push({ tag: 34735, type: FieldType.SHORT, values: tags.GeoKeyDirectory });
  if (tags.GeoDoubleParams) fields.push({ tag: 34736, type: FieldType.DOUBLE, values: tags.GeoDoubleParams });
  if (tags.GeoAsciiParams !== undefined)
    fields.push({ tag: 34737, type: FieldType.ASCII, values: tags.GeoAsciiParams });
  return fields;
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
export async function createGeoTiffWriter(path: string, options: RasterWriterOptions): Promise<RasterWriter> {
  const { width, height, sampleType, signal } = options;
  const bands = options.bands ?? 1;
  const codec = options.compress ?? "deflate";
  const sample = SAMPLE[sampleType];
  const bigTiff = options.forceBigTiff === true || needsBigTiff(width, height, bands, sample.bytes);
  const predictor = codec === "none" ? 1 : sample.predictor;
  const tilesAcross = Math.ceil(width / TILE);
  const tilesDown = Math.ceil(height / TILE);
  const offsets = new Array<number>(tilesAcross * tilesDown * bands).fill(0);
  const counts = new Array<number>(offsets.length).fill(0);
  const temporary = temporaryName(path);
  let file: FileHandle | undefined;
  try {
    file = await open(temporary, "wx");
  } catch (error) {
    throw outputError(path, error);
  }
  let position = bigTiff ? 16 : 8;
  let rowsWritten = 0;
  let closed = false;
  // Two sets of one tile row per band: one fills while the other compresses (the await below keeps it safe).
  const bufferSets = [0, 1].map(() =>
    Array.from({ length: bands }, () => new sample.array(TILE * tilesAcross * TILE)),
  );
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown;

  async function flushTileRow(
    tileRow: number,
    rows: Array<InstanceType<(typeof SAMPLE)[OutputSampleType]["array"]>>,
  ) {
    // A few tiles at a time: enough to keep libuv's threadpool busy, little memory in flight.
    const jobs = rows.flatMap((buffer, band) =>
      Array.from({ length: tilesAcross }, (_, tx) => ({ buffer, band, tx })),
    );
    for (let j = 0; j < jobs.length; j += COMPRESS_BATCH) {
      const encoded = await Promise.all(
        jobs.slice(j, j + COMPRESS_BATCH).map(async ({ buffer, band, tx }) => {
          const tile = new sample.array(TILE * TILE);
          for (let r = 0; r < TILE; r++) {
            const start = r * TILE * tilesAcross + tx * TILE;
            tile.set(buffer.subarray(start, start + TILE), r * TILE);
          }
          const bytes = applyPredictor(
            new Uint8Array(tile.buffer),
            TILE,
            TILE,
            sample.bytes,
            predictor,
            sample.format === 2,
          );
          return { band, tx, data: await compressTile(bytes, codec) };
        }),
      );
      for (const { band, tx, data } of encoded) {
        const index = band * tilesAcross * tilesDown + tileRow * tilesAcross + tx;
        await file!.write(data, 0, data.length, position);
        offsets[index] = position;
        counts[index] = data.length;
        position += data.length;
      }
    }
  }

  const fail = async (error: unknown) => {
    await abort();
    throw error instanceof DemgradError ? error : outputError(path, error);
  };

  async function abort() {
    if (closed) return;
    closed = true;
    await pending.catch(() => {});
    await file?.close().catch(() => {});
    await discardAll([temporary]);
  }

  return {
    async writeRows(data, rowCount) {
      if (closed) throw outputError(path, new Error("writer is closed"));
      if (signal?.aborted) return fail(new AbortError());
      if (failure) return fail(failure);
      if (data.length !== bands)
        return fail(new UsageError(`expected ${bands} band(s) of rows but received ${data.length}`));
      if (rowsWritten + rowCount > height) return fail(new UsageError(`more than ${height} rows written`));
      for (let r = 0; r < rowCount; r++) {
        const row = rowsWritten + r;
        const inTile = row % TILE;
        const buffers = bufferSets[Math.floor(row / TILE) % 2]!;
        for (let b = 0; b < bands; b++) {
          const src = data[b]!;
          const dst = buffers[b]!;
          const base = inTile * TILE * tilesAcross;
          if (ArrayBuffer.isView(src))
            dst.set((src as Float64Array).subarray(r * width, (r + 1) * width), base);
          else for (let c = 0; c < width; c++) dst[base + c] = src[r * width + c]!;
        }
        if (inTile === TILE - 1 || row === height - 1) {
          const tileRow = Math.floor(row / TILE);
          const full = buffers;
          if (row === height - 1) for (const b of full) b.fill(0, (inTile + 1) * TILE * tilesAcross);
          // At most one tile row compresses while the caller computes the next strip.
          const previous = pending;
          pending = previous.then(() => flushTileRow(tileRow, full));
          pending.catch((error) => {
            failure = error;
          });
          if (row !== height - 1) await previous.catch(() => {});
        }
      }
      rowsWritten += rowCount;
      if (failure) return fail(failure);
    },
    async finish() {
      if (closed) throw outputError(path, new Error("writer is closed"));
      try {
        if (rowsWritten !== height) throw new Error(`only ${rowsWritten} of ${height} rows were written`);
        if (signal?.aborted) throw new AbortError();
        await pending;
        const ifdAt = position + (position % 2);
        const longType = bigTiff ? FieldType.LONG8 : FieldType.LONG;
        const metadata = gdalMetadataXml(options.bandDescriptions, options.units);
        const fields: TiffField[] = [
          { tag: 256, type: FieldType.LONG, values: [width] },
          { tag: 257, type: FieldType.LONG, values: [height] },
          { tag: 258, type: FieldType.SHORT, values: Array(bands).fill(sample.bytes * 8) },
          { tag: 259, type: FieldType.SHORT, values: [COMPRESSION_CODE[codec]] },
          { tag: 262, type: FieldType.SHORT, values: [1] },
          { tag: 277, type: FieldType.SHORT, values: [bands] },
          { tag: 284, type: FieldType.SHORT, values: [bands > 1 ? 2 : 1] },
          { tag: 322, type: FieldType.LONG, values: [TILE] },
          { tag: 323, type: FieldType.LONG, values: [TILE] },
          { tag: 324, type: longType, values: offsets },
          { tag: 325, type: longType, values: counts },
          { tag: 339, type: FieldType.SHORT, values: Array(bands).fill(sample.format) },
          ...georefFields(options.georef),
        ];
        if (predictor !== 1) fields.push({ tag: 317, type: FieldType.SHORT, values: [predictor] });
        if (bands > 1) fields.push({ tag: 338, type: FieldType.SHORT, values: Array(bands - 1).fill(0) });
        if (metadata) fields.push({ tag: 42112, type: FieldType.ASCII, values: metadata });
        if (options.nodata !== undefined)
          fields.push({ tag: 42113, type: FieldType.ASCII, values: nodataText(options.nodata) });
        const directory = encodeDirectory(fields, ifdAt, bigTiff);
        await file!.write(directory, 0, directory.length, ifdAt);
        const header = encodeHeader(ifdAt, bigTiff);
        await file!.write(header, 0, header.length, 0);
        await file!.close();
        closed = true;
        await commitAll([[temporary, path]]);
      } catch (error) {
        closed = false;
        await fail(error);
      }
    },
    abort,
  };
}

/**
 * Writes a whole raster as a GeoTIFF (DESIGN §6).
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
    like?: Georef;
    nodata?: number;
    compress?: Compression;
    sampleType?: OutputSampleType;
    bandDescriptions?: string[];
    units?: string[] | undefined;
  } = {},
): Promise<void> {
  const bands = raster.bands ?? (raster.data ? [raster.data] : []);
  if (bands.length === 0) throw new UsageError("writeGeoTiff needs data or bands");
  const writer = await createRasterWriter(path, {
    width: raster.width,
    height: raster.height,
    bands: bands.length,
    sampleType: options.sampleType ?? sampleTypeOfArray(bands[0]!),
    georef: options.like,
    nodata: options.nodata,
    compress: options.compress ?? "deflate",
    ...(options.bandDescriptions ? { bandDescriptions: options.bandDescriptions } : {}),
    ...(options.units ? { units: options.units } : {}),
  });
  await writer.writeRows(bands, raster.height);
  await writer.finish();
}

function sampleTypeOfArray(data: ArrayLike<number>): OutputSampleType {
  if (data instanceof Float64Array) return "Float64";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "Byte";
  if (data instanceof Int16Array) return "Int16";
  if (data instanceof Uint16Array) return "UInt16";
  if (data instanceof Int32Array) return "Int32";
  return "Float32";
}

/** Output format from the file extension: `.tif`/`.tiff` → GeoTIFF, `.png` → PNG. */
export function outputFormat(path: string): "geotiff" | "png" {
  const ext = /\.[^./\\]+$/.exec(path)?.[0]?.toLowerCase() ?? "";
  if (ext === ".tif" || ext === ".tiff") return "geotiff";
  if (ext === ".png") return "png";
  throw new UsageError(`unknown output extension ${ext || "(none)"}: use .tif or .png`, { file: path });
}

/** A GeoTIFF or PNG writer chosen by extension. */
export async function createRasterWriter(path: string, options: RasterWriterOptions): Promise<RasterWriter> {
  if (outputFormat(path) === "png") {
    const { createPngWriter } = await import("./png-writer.js");
    return createPngWriter(path, options);
  }
  return createGeoTiffWriter(path, options);
}
