/**
 * Ground spacing of a window of a zoom level's Web Mercator grid, in closed form: along a row every pixel step
 * spans the same longitude, so x steps are arcs of the parallel, N(φ)·cos φ·Δλ, and y steps are meridian arcs
 * between the rows' latitudes — on the WGS 84 ellipsoid, whose geodetic coordinates EPSG:3857 maps. It equals the
 * generic projected model (geodesics between inverse-projected pixel centres, sampled and interpolated) to about
 * 5e-6 (tested), without its thousands of geodesics per coarse tile.
 */
import { meridianArc, primeVerticalRadius } from "../geo/ellipsoid.js";
import type { SpacingModel } from "../geo/types.js";
import { EARTH_RADIUS, HALF_WORLD, pixelMetres } from "./mercator.js";

const WGS84 = { a: 6378137, rf: 298.257223563 };

/**
 * One class for every window, not closures made per window: the kernels that call these methods then see the same
 * functions tile after tile, and their optimised code stays valid.
 */
class WebMercatorSpacing implements SpacingModel {
  readonly mode = "ground" as const;
  readonly width: number;
  readonly height: number;
  private readonly res: number;
  private readonly dLon: number;
  private readonly y: number;

  constructor(z: number, tileSize: number, window: { x: number; y: number; width: number; height: number }) {
    this.res = pixelMetres(z, tileSize);
    this.dLon = this.res / EARTH_RADIUS;
    this.width = window.width;
    this.height = window.height;
    this.y = window.y;
  }

  private lat(row: number): number {
    return Math.atan(Math.sinh((HALF_WORLD - (this.y + row + 0.5) * this.res) / EARTH_RADIUS));
  }

  xSteps(row: number, out: Float64Array): void {
    const phi = this.lat(row);
    out.fill(primeVerticalRadius(WGS84, phi) * Math.cos(phi) * this.dLon, 0, Math.max(0, this.width - 1));
  }

  ySteps(row: number, out: Float64Array): void {
    out.fill(
      Math.abs(meridianArc(WGS84, this.lat(row)) - meridianArc(WGS84, this.lat(row + 1))),
      0,
      this.width,
    );
  }

  // Meridians are the grid's columns.
  gridNorthBearing(_row: number, out: Float64Array): void {
    out.fill(0, 0, this.width);
  }
}

/** The spacing model of pixels [x, x + width) × [y, y + height) of zoom z's grid of `tileSize` tiles. */
export function webMercatorSpacing(
  z: number,
  tileSize: number,
  window: { x: number; y: number; width: number; height: number },
): SpacingModel {
  return new WebMercatorSpacing(z, tileSize, window);
}
