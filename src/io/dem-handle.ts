/** What an open DEM offers, whatever its format: the reader's GeoTIFF handles and VRT mosaics keep it. */
import type { Georef } from "../geo/types.js";
import type { SampleType } from "./sample-types.js";

export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What the streaming driver reads elevations from: an open DEM, or a window of a mosaic assembled from its tiles
 * (seamless batch).
 */
export interface ElevationSource {
  /** What messages name: the file, URL or `<buffer>`. */
  readonly source: string;
  readonly width: number;
  readonly height: number;
  /** The stored sample type (gdaldem's float32 sums depend on it). */
  readonly sampleType: SampleType;
  readonly georef: Georef;
  /** The value nodata cells hold in the file (they read as NaN), when there is one. */
  readonly nodata?: number | undefined;
  /**
   * The smallest and largest elevation as the file's statistics state them (GDAL's STATISTICS_MINIMUM/_MAXIMUM,
   * scaled), when it has them: what GDAL takes for the range before computing one.
   */
  readonly statistics?: { min: number; max: number } | undefined;
  /** Rows [firstRow, firstRow + rowCount) as float64: scale/offset applied; nodata and NaN become NaN. */
  readRows(firstRow: number, rowCount: number, out?: Float64Array): Promise<Float64Array>;
  close(): Promise<void>;
}

/** A DEM opened lazily: metadata now, pixels on demand (a GeoTIFF or a VRT mosaic). */
export interface DemHandle extends ElevationSource {
  readonly bandCount: number;
  readonly band: number;
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
  /** A window of stored values (nodata kept): Float64Array for 32-bit integers and Float64, else Float32Array. */
  readWindow(window: Window): Promise<Float32Array | Float64Array>;
}
