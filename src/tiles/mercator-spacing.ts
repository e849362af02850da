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

/** The spacing model of pixels [x, x + width) × [y, y + height) of zoom z's grid of `tileSize` tiles. */
export function webMercatorSpacing(
  z: number,
  tileSize: number,
  window: { x: number; y: number; width: number; height: number },
): SpacingModel {
  const res = pixelMetres(z, tileSize);
  const dLon = res / EARTH_RADIUS;
  const { width, height } = window;
  const lat = (row: number) =>
    Math.atan(Math.sinh((HALF_WORLD - (window.y + row + 0.5) * res) / EARTH_RADIUS));
  return {
    mode: "ground",
    width,
    height,
    xSteps(row, out) {
      const phi = lat(row);
      out.fill(primeVerticalRadius(WGS84, phi) * Math.cos(phi) * dLon, 0, Math.max(0, width - 1));
    },
    ySteps(row, out) {
      out.fill(Math.abs(meridianArc(WGS84, lat(row)) - meridianArc(WGS84, lat(row + 1))), 0, width);
    },
    // Meridians are the grid's columns.
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
}
