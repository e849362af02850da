/**
 * Georeferenced PNGs for people and web maps (DESIGN §7): 8-bit grey, plus alpha when a nodata pixel was
 * written, or RGB(A) colour; a world file (`.pgw`) and a `.png.aux.xml` naming the CRS, so GDAL and QGIS place the
 * image.
 *
 * sharp encodes whole images, so rows go first, in order, into uncompressed scratch GeoTIFFs next to the output, one
 * per plane (the grey values, and an alpha plane from the first nodata pixel on; or each colour band); on `finish`
 * sharp reads them sequentially, joins them and encodes the PNG. Memory stays a few tile rows whatever the image's
 * size. The PNG and its sidecars are written under temporary names and appear together on `finish`; the scratch
 * files never remain.
 */
import { open, rm, statfs, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { AbortError, DemgradError, OutputError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { checkingFile, integer } from "../validate.js";
import { AtomicFiles, outputError, temporaryName } from "./atomic.js";
import { crsWkt } from "./crs-wkt.js";
import { escapeXml } from "./gdal-metadata.js";
import { createGeoTiffWriter } from "./geotiff-writer.js";
import { outputFormat } from "./output-format.js";
import {
  checkRows,
  type RasterWriter,
  type RasterWriterOptions,
  validateWriterOptions,
} from "./writer-contract.js";

/** libvips (under sharp) takes images up to 10 million pixels on a side. */
const VIPS_MAX_SIDE = 10_000_000;

/**
 * The ESRI world file: six lines A (x pixel size), D, B (rotation terms), E (y pixel size, negative for north-up),
 * C, F (the map coordinates of the centre of the upper-left pixel).
 *
 * @example
 * ```ts
 * worldFile([500000, 30, 0, 4100000, 0, -30]); // "30\n0\n0\n-30\n500015\n4099985\n"
 * ```
 */
export function worldFile(gt: NonNullable<Georef["geoTransform"]>): string {
  const x = gt[0] + 0.5 * gt[1] + 0.5 * gt[2];
  const y = gt[3] + 0.5 * gt[4] + 0.5 * gt[5];
  return `${[gt[1], gt[4], gt[2], gt[5], x, y].map(String).join("\n")}\n`;
}

/**
 * GDAL's PAM sidecar naming the CRS as GDAL reads it from the source: `EPSG:n`, else WKT built from the GeoKeys
 * (a proj4 string would lose the datum's name, and with it GDAL's "same CRS"), else the proj4 string for a
 * projection the WKT builder does not know; undefined without a CRS. No `dataAxisToSRSAxisMapping`: GDAL then
 * takes x as easting/longitude for every CRS, where a fixed "1,2" would swap latitude and longitude for EPSG:4326.
 *
 * @example
 * ```ts
 * auxXml(georef); // <PAMDataset>\n  <SRS>EPSG:32611</SRS>\n</PAMDataset>\n
 * ```
 */
export function auxXml(georef: Georef): string | undefined {
  const srs = georef.crs.epsg ? `EPSG:${georef.crs.epsg}` : (crsWkt(georef) ?? georef.crs.proj4);
  if (!srs) return undefined;
  return `<PAMDataset>\n  <SRS>${escapeXml(srs)}</SRS>\n</PAMDataset>\n`;
}

/**
 * Opens a PNG writer. Grey (the default): one band of Byte values (others are clamped to 0–255 and rounded);
 * `nodata`, an integer 0–255, makes those pixels transparent. `colour: "rgb"` or `"rgba"`: three or four bands, red,
 * green, blue (and alpha), written as an RGB or RGBA PNG.
 *
 * @example
 * ```ts
 * const writer = await createPngWriter("shade.png", { width, height, sampleType: "Byte", nodata: 0, georef });
 * await writer.writeRows([shadeBytes], height);
 * await writer.finish(); // shade.png, shade.pgw, shade.png.aux.xml
 * const rgb = await createPngWriter("relief.png", { width, height, bands: 3, colour: "rgb", sampleType: "Byte", georef });
 * ```
 */
export async function createPngWriter(path: string, raw: RasterWriterOptions): Promise<RasterWriter> {
  if (outputFormat(path) !== "png") throw new UsageError("a PNG needs a .png name", { file: path });
  const options = validateWriterOptions(path, raw);
  const { width, height, nodata, georef } = options;
  const colour = options.colour ?? "grey";
  const bands = options.bands ?? 1;
  const expected = colour === "grey" ? 1 : colour === "rgb" ? 3 : 4;
  if (bands !== expected) {
    throw new UsageError(
      colour === "grey"
        ? "a PNG holds one grey band, or RGB(A) colour bands: use a .tif name"
        : `an ${colour.toUpperCase()} PNG holds ${expected} bands, not ${bands}`,
      { file: path },
    );
  }
  if (nodata !== undefined && colour !== "grey") {
    throw new UsageError("a colour PNG takes its transparency from an alpha band, not from nodata", {
      file: path,
    });
  }
  if (nodata !== undefined) checkingFile(path, () => integer("PNG nodata", nodata, { min: 0, max: 255 }));
  if (width > VIPS_MAX_SIDE || height > VIPS_MAX_SIDE) {
    throw new OutputError(`${width}×${height} pixels is too large for a PNG: write a .tif instead`, {
      file: path,
    });
  }
  const files = new AtomicFiles(path, options.signal);
  const png = files.add(path);
  try {
    // Created now, so a missing or read-only folder is reported before any work.
    await (await open(png, "wx")).close();
  } catch (error) {
    await files.discard();
    throw outputError(path, error);
  }
  // Scratch rows: read back by sharp on finish, removed whatever happens.
  const scratchOptions = {
    width,
    height,
    sampleType: "Byte",
    compress: "none",
    layout: "plain", // read once by sharp: no overviews
    signal: options.signal,
  } as const;
  // One plane per band (libvips reads no tiled TIFF with separate planes): grey, or red, green, blue (alpha); a
  // grey image's alpha plane follows from its first nodata pixel on.
  const planePaths =
    colour === "grey"
      ? [temporaryName(path, ".grey.tif"), temporaryName(path, ".alpha.tif")]
      : Array.from({ length: bands }, (_, b) => temporaryName(path, `.band${b + 1}.tif`));
  const planes: Array<RasterWriter | undefined> = planePaths.map(() => undefined);
  let rows = 0;
  // Per-call conversions go into buffers kept for the next call (strips are all about the same size).
  let clamped = new Uint8ClampedArray(0);
  let opacity = new Uint8Array(0);
  const removeScratch = async () => {
    await Promise.allSettled(planes.map((plane) => plane?.abort()));
    await Promise.allSettled(planePaths.map((scratch) => rm(scratch, { force: true })));
  };

  const failed = async (error: unknown): Promise<DemgradError> => {
    await Promise.all([files.discard(), removeScratch()]);
    if (options.signal?.aborted) return new AbortError(undefined, { file: path });
    // The scratch files are ours, not the user's: errors about them name the output.
    if (error instanceof DemgradError && planePaths.includes(error.file ?? "")) error.file = path;
    if (error instanceof DemgradError || (error as NodeJS.ErrnoException)?.code)
      return outputError(path, error);
    // sharp/libvips failures (sizes, memory) say what they are in their message.
    const reason = String((error as Error)?.message ?? error).split("\n")[0];
    return new OutputError(`cannot encode the PNG (${reason}): write a .tif instead`, { file: path });
  };

  /** Band values clamped and rounded to bytes (a Byte array passes through unchanged). */
  const toBytes = (band: ArrayLike<number>, count: number): Uint8Array | Uint8ClampedArray => {
    if (band instanceof Uint8Array || band instanceof Uint8ClampedArray) return band.subarray(0, count);
    if (clamped.length < count) clamped = new Uint8ClampedArray(count);
    const bytes = clamped.subarray(0, count);
    for (let i = 0; i < count; i++) bytes[i] = band[i]!;
    return bytes;
  };

  /** Writes rows into plane `k`, opening it on first use. */
  const writePlane = async (k: number, bytes: ArrayLike<number>, rowCount: number) => {
    planes[k] ??= await createGeoTiffWriter(planePaths[k]!, scratchOptions);
    await planes[k]!.writeRows([bytes], rowCount);
  };

  /** Starts a grey image's alpha plane at its first nodata pixel: the rows before it are all opaque. */
  const startAlpha = async () => {
    planes[1] = await createGeoTiffWriter(planePaths[1]!, scratchOptions);
    const opaque = new Uint8Array(Math.min(rows, 256) * width).fill(255);
    for (let done = 0; done < rows; done += 256)
      await planes[1].writeRows([opaque], Math.min(256, rows - done));
  };

  return {
    async writeRows(data, rowCount) {
      try {
        files.check();
        checkRows(data, rowCount, bands, width, height - rows);
        const count = rowCount * width;
        if (colour !== "grey") {
          for (let b = 0; b < bands; b++) await writePlane(b, toBytes(data[b]!, count), rowCount);
        } else {
          const bytes = toBytes(data[0]!, count);
          await writePlane(0, bytes, rowCount);
          if (nodata !== undefined && !planes[1] && bytes.includes(nodata)) await startAlpha();
          if (planes[1]) {
            if (opacity.length < count) opacity = new Uint8Array(count);
            for (let i = 0; i < count; i++) opacity[i] = bytes[i] === nodata ? 0 : 255;
            await planes[1].writeRows([opacity.subarray(0, count)], rowCount);
          }
        }
        rows += rowCount;
      } catch (error) {
        throw await failed(error);
      }
    },

    async finish() {
      try {
        files.check();
        if (rows !== height)
          throw new OutputError(`only ${rows} of ${height} rows were written`, { file: path });
        const written = planes.filter((plane) => plane !== undefined);
        for (const plane of written) await plane.finish();
        // Loaded on first use: sharp takes a noticeable part of a second to load, and most runs write no PNG.
        const { default: sharp } = await import("sharp");
        const input = { sequentialRead: true, limitInputPixels: false } as const;
        const joined = planePaths.slice(1, written.length);
        let image = sharp(planePaths[0]!, input);
        if (joined.length > 0) image = image.joinChannel(joined, input);
        // "b-w", or sharp writes RGB. zlib level 4, as for GeoTIFF tiles: the encode is the run's serial tail and
        // takes half the time of level 6, for files about as small as gdaldem's.
        await image
          .toColourspace(colour === "grey" ? "b-w" : "srgb")
          .png({ compressionLevel: 4 })
          .toFile(png)
          .catch(async (error: unknown) => {
            throw await withDiskFull(error, png, width * height * written.length);
          });
        files.check();
        const gt = georef?.geoTransform;
        if (georef && gt) {
          const sidecars: Array<[string, string | undefined]> = [
            [path.replace(/\.png$/i, ".pgw"), worldFile(gt)],
            [`${path}.aux.xml`, auxXml(georef)],
          ];
          for (const [final, text] of sidecars)
            if (text !== undefined) await writeFile(files.add(final), text);
        }
        await files.commit();
        await removeScratch();
      } catch (error) {
        throw await failed(error);
      }
    },

    abort: async () => {
      await Promise.all([files.discard(), removeScratch()]);
    },
  };
}

/**
 * libvips reports a failed write as "write error", without the errno. When the folder has less room left than the
 * image's raw size, that was the disk filling up: the error becomes an ENOSPC one (so it says "disk full").
 */
async function withDiskFull(error: unknown, file: string, rawBytes: number): Promise<unknown> {
  if ((error as NodeJS.ErrnoException)?.code || !/write error/i.test(String((error as Error)?.message)))
    return error;
  try {
    const { bavail, bsize } = await statfs(dirname(file));
    if (bavail * bsize < rawBytes)
      return Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
  } catch {
    // No file-system figures: keep libvips' own words.
  }
  return error;
}

/**
 * Writes a whole Byte raster as a georeferenced PNG (with `.pgw` and `.png.aux.xml` when `like` has a
 * geotransform): grey from `data`, or RGB / RGBA from three or four `bands`.
 *
 * @example
 * ```ts
 * import { hillshade, readDem, terrainGradient, writePng } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const shade = hillshade(terrainGradient(dem));
 * await writePng("shade.png", { width: dem.width, height: dem.height, data: shade }, { like: dem.georef, nodata: 0 });
 * await writePng("rgb.png", { width: dem.width, height: dem.height, bands: [red, green, blue] }, { like: dem.georef });
 * ```
 */
export async function writePng(
  path: string,
  raster: { width: number; height: number; data?: ArrayLike<number>; bands?: ArrayLike<number>[] },
  options: { like?: Georef | undefined; nodata?: number | undefined } = {},
): Promise<void> {
  const bands = raster.bands ?? (raster.data ? [raster.data] : []);
  if (bands.length === 0) throw new UsageError("writePng needs data or bands", { file: path });
  const writer = await createPngWriter(path, {
    width: raster.width,
    height: raster.height,
    bands: bands.length,
    colour: bands.length === 3 ? "rgb" : bands.length === 4 ? "rgba" : undefined,
    sampleType: "Byte",
    georef: options.like,
    nodata: options.nodata,
  });
  await writer.writeRows(bands, raster.height);
  await writer.finish();
}
