/** Contracts of the pure terrain kernels (no I/O): strips of elevations in, strips of derivatives out. */
import type { SpacingModel } from "../geo/types.js";

/** DEM derivative methods (DESIGN §4). */
export type Method = "gradient" | "horn" | "zevenbergen-thorne";

/**
 * A horizontal band of the DEM: elevations in metres (vertical unit and z-factor already applied),
 * NaN wherever the DEM has nodata. Row-major, `rows × width`.
 */
export interface ElevationStrip {
  data: Float64Array;
  width: number;
  rows: number;
  /** DEM row index of the strip's first row. */
  firstRow: number;
  /** Height of the whole DEM, so kernels know where its real borders are. */
  demHeight: number;
}

/**
 * dz/dx (rise per metre towards east) and dz/dy (towards north); NaN = nodata. Straight from a method kernel they
 * are along map +x and +y; computeDerivatives turns them into east and north where the two differ on the ground.
 */
export interface GradientStrip {
  dzdx: Float64Array;
  dzdy: Float64Array;
  width: number;
  rows: number;
  /** DEM row index of the first output row. */
  firstRow: number;
}

/** Options of the derivative methods, validated and resolved before they reach a kernel. */
export interface DerivativeOptions {
  method: Method;
  /** numpy's edge_order for the `gradient` method. */
  edgeOrder: 1 | 2;
  /** horn / zevenbergen-thorne: compute border cells (true) or leave them nodata like classic gdaldem (false). */
  edges: boolean;
  spacing: SpacingModel;
  /** +1 when column index grows towards map +x (gt[1] > 0), −1 otherwise. */
  xSign: 1 | -1;
  /** +1 when row index grows towards map +y (gt[5] > 0, south-up), −1 for the usual north-up raster. */
  ySign: 1 | -1;
  /**
   * horn / zevenbergen-thorne: evaluate the neighbour sums in float32, as gdaldem does for every input type except
   * Byte, Int16 and UInt16 (used by `--compat gdaldem` so aspect matches it to the last bit).
   */
  float32Sums?: boolean;
}
