/** Shared georeferencing types: the contract between the reader, the spacing model and the terrain kernels. */

/** GDAL-order affine geotransform: x = gt[0] + col·gt[1] + row·gt[2]; y = gt[3] + col·gt[4] + row·gt[5] (pixel corner). */
export type GeoTransform = [number, number, number, number, number, number];

/** How one linear unit converts to metres (1 for metre, 0.3048 for foot, 1200/3937 for US survey foot). */
export type MetresPerUnit = number;

/** The coordinate reference system as far as demgrad needs it. */
export interface Crs {
  /** "projected", "geographic", or "local" (engineering / unknown units) — "none" when there are no GeoKeys. */
  kind: "projected" | "geographic" | "local" | "none";
  /** EPSG code of the horizontal CRS where known. */
  epsg?: number;
  /** proj4 definition string (absent for local/none). */
  proj4?: string;
  /** Human-readable name (citation) where known. */
  name?: string;
  /** Metres per horizontal linear unit (projected and local with a known unit). */
  linearUnit?: MetresPerUnit;
  /** Radians per angular unit (geographic: π/180 for degrees). */
  angularUnit?: number;
  /** Factor that turns raster coordinates into the units the proj4 definition expects (usually 1). */
  coordinateFactor?: number;
  /** Ellipsoid semi-major axis (m) and inverse flattening (0 for a sphere), where known. */
  ellipsoid?: { a: number; rf: number };
}

/** Raw GeoTIFF georeferencing tags, kept verbatim so writers can copy them (user-defined CRSs survive). */
export interface GeoTiffTags {
  ModelPixelScale?: number[];
  ModelTiepoint?: number[];
  ModelTransformation?: number[];
  GeoKeyDirectory?: number[];
  GeoDoubleParams?: number[];
  GeoAsciiParams?: string;
}

/** Everything known about where the raster lies. */
export interface Georef {
  /** Raster size in pixels. */
  width: number;
  height: number;
  /** Pixel-corner geotransform (PixelIsPoint already corrected); undefined when the file has none. */
  geoTransform: GeoTransform | undefined;
  crs: Crs;
  /** Metres per vertical (elevation) unit, and where that came from. */
  verticalUnit: { metres: number; name: string; source: "geokey" | "band-unit" | "option" | "default" };
  /** Tags to copy into outputs. */
  tags: GeoTiffTags;
}

/** Spacing modes of DESIGN §3. */
export type SpacingMode = "ground" | "nominal" | "explicit";

/**
 * Ground distances between neighbouring pixel centres, in metres, and the bearing of the grid's +y axis.
 * The terrain kernels read spacing only through this interface, one row at a time (streaming-friendly).
 */
export interface SpacingModel {
  readonly mode: SpacingMode;
  readonly width: number;
  readonly height: number;
  /** Fill `out` (length ≥ width − 1): out[c] = metres from pixel (row, c) to (row, c + 1). */
  xSteps(row: number, out: Float64Array): void;
  /** Fill `out` (length ≥ width): out[c] = metres from pixel (row, c) to (row + 1, c); row in 0 … height − 2. */
  ySteps(row: number, out: Float64Array): void;
  /**
   * Fill `out` (length ≥ width): the compass bearing, in radians clockwise from true north, of the map's +y
   * direction (grid north) at each pixel of `row` — the meridian convergence. 0 for nominal/explicit modes.
   */
  gridNorthBearing(row: number, out: Float64Array): void;
}
