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
  /** Why a CRS given in the file could not be used (kind "local"), e.g. an EPSG code demgrad does not know. */
  problem?: string;
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
  /**
   * Metres per vertical (elevation) unit, and where that came from: "crs-linear-unit" when nothing tags it and the
   * CRS's linear unit is not the metre (assumed, as GDAL ≥ 3.11 does).
   */
  verticalUnit: {
    metres: number;
    name: string;
    source: "geokey" | "band-unit" | "option" | "crs-linear-unit" | "default";
  };
  /** Tags to copy into outputs. */
  tags: GeoTiffTags;
}

/** Spacing modes of DESIGN §3. */
export type SpacingMode = "ground" | "nominal" | "explicit";

/**
 * Ground distances between neighbouring pixel centres, in metres, and how the grid's axes lie on the ground.
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
  /**
   * How the pixel steps lie on the ground, where the grid's axes are not simply east and north: absent when the
   * derivatives along map +x and +y (the kernels' dz/dx and dz/dy) already are the east and north components
   * (geographic grids, nominal and explicit spacing of unrotated grids).
   */
  readonly frame?: GroundFrame;
}

/**
 * Where a row's derivatives are first-order one-sided differences, which follow the chord to the neighbour rather
 * than the grid line's tangent (central and second-order differences): `x` — at the first and last columns;
 * `y` — along the whole row, +1 towards the next row (the first row), −1 from the previous one (the last row).
 */
export interface OneSidedDifferences {
  x: boolean;
  y: -1 | 0 | 1;
}

/** The local east/north frame of each pixel, for grids whose axes are rotated, sheared or not perpendicular. */
export interface GroundFrame {
  /**
   * Fill the four arrays (length ≥ width): per pixel, the matrix that turns the derivatives per ground metre along
   * the +column and +row steps, (a, b), into (dz/d east, dz/d north) = (m00·a + m01·b, m10·a + m11·b) — the
   * inverse of the 2×2 system ∇z·u = a, ∇z·v = b with u, v the unit ground directions of the two steps.
   */
  eastNorth(
    row: number,
    m00: Float64Array,
    m01: Float64Array,
    m10: Float64Array,
    m11: Float64Array,
    oneSided?: OneSidedDifferences,
  ): void;
  /** Fill `east`, `north` (length ≥ width): the unit vector of the map's +y direction (grid north) on the ground. */
  gridNorth(row: number, east: Float64Array, north: Float64Array): void;
}
