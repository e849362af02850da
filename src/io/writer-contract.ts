/**
 * The contract every raster writer keeps (GeoTIFF and PNG): the options, the streaming interface, and the checks of
 * both, made once here with validate.ts's one kind of message. Format-neutral: it knows no writer; raster-writer.ts
 * chooses the writer from the output name.
 */
import { UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { boolean, checkingFile, integer, invalid, number, oneOf } from "../validate.js";
import { OVERVIEW_RESAMPLINGS, type OverviewResampling } from "./overviews.js";
import type { Codec } from "./tiff-compress.js";
import type { Colour } from "./tiff-tags.js";

/** The sample types the writers write. */
export const OUTPUT_SAMPLE_TYPES = ["Byte", "Int16", "UInt16", "Int32", "Float32", "Float64"] as const;
export type OutputSampleType = (typeof OUTPUT_SAMPLE_TYPES)[number];
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
  /**
   * "cog" (default): a Cloud Optimized GeoTIFF — directories first, internal overviews, 512² tiles, GDAL's
   * structural metadata. "plain": the fastest write — 256² tiles, directory at the end, no overviews.
   */
  layout?: "cog" | "plain" | undefined;
  /**
   * COG overviews: "auto" (default) halves until the largest side is ≤ 512; a number gives that many levels;
   * false none. Ignored by the plain layout.
   */
  overviews?: "auto" | number | false | undefined;
  /** How overview cells are computed from 2×2 cells of the level above (default "mean"; see overviews.ts). */
  overviewResampling?: OverviewResampling | undefined;
  /** Colour interpretation: "grey" bands (default), or "rgb"/"rgba" (3 or 4 bands; alpha as an extra sample). */
  colour?: Colour | undefined;
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

const CODECS: readonly Codec[] = ["deflate", "lzw", "none"];
const LAYOUTS = ["cog", "plain"] as const;
const COLOURS: readonly Colour[] = ["grey", "rgb", "rgba"];

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
      sampleType: oneOf("sample type", options.sampleType, OUTPUT_SAMPLE_TYPES),
      compress: oneOf("compress", options.compress ?? "deflate", CODECS),
      nodata: options.nodata === undefined ? undefined : nodataNumber(options.nodata),
      bandDescriptions: strings("band descriptions", options.bandDescriptions),
      units: strings("units", options.units),
    };
    if (options.forceBigTiff !== undefined)
      validated.forceBigTiff = boolean("forceBigTiff", options.forceBigTiff);
    if (options.layout !== undefined) validated.layout = oneOf("layout", options.layout, LAYOUTS);
    if (options.overviews !== undefined && options.overviews !== "auto" && options.overviews !== false) {
      validated.overviews = integer("overviews", options.overviews, { min: 0, max: 30, strings: false });
    }
    if (options.overviewResampling !== undefined) {
      validated.overviewResampling = oneOf(
        "overview resampling",
        options.overviewResampling,
        OVERVIEW_RESAMPLINGS,
      );
    }
    if (options.colour !== undefined) {
      validated.colour = oneOf("colour", options.colour, COLOURS);
      const needed = validated.colour === "rgba" ? 4 : validated.colour === "rgb" ? 3 : 1;
      if (validated.bands! < needed)
        invalid(`bands for colour ${validated.colour}`, `at least ${needed}`, validated.bands);
    }
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
