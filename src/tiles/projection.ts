/**
 * Where a DEM lies on the globe: its pixel coordinates to and from longitude/latitude (WGS 84 as proj4 knows the
 * DEM's CRS), and its footprint.
 */
import { GeorefError } from "../errors.js";
import { proj4 } from "../geo/proj4-definition.js";
import type { Georef } from "../geo/types.js";
import type { LonLatBounds } from "./mercator.js";

/** Pixel coordinates are continuous: the centre of pixel (column c, row r) is at (c, r). */
export interface DemProjection {
  /** DEM pixel coordinates of a longitude/latitude. */
  toPixel(lon: number, lat: number): [number, number];
  /** Longitude/latitude of DEM pixel coordinates. */
  toLonLat(col: number, row: number): [number, number];
}

/** The projection between a DEM's pixels and longitude/latitude. */
export function demProjection(georef: Georef): DemProjection {
  const gt = georef.geoTransform;
  const definition = georef.crs.proj4;
  if (!gt || !definition || georef.crs.kind === "local" || georef.crs.kind === "none") {
    throw new GeorefError("web map tiles need a georeferenced DEM with a known CRS");
  }
  if (gt[2] !== 0 || gt[4] !== 0) throw new GeorefError("rotated or sheared geotransform is not supported");
  const factor = georef.crs.coordinateFactor ?? 1;
  const converter = proj4()("EPSG:4326", definition);
  return {
    toPixel(lon, lat) {
      const [x, y] = converter.forward([lon, lat]) as [number, number];
      return [(x / factor - gt[0]) / gt[1] - 0.5, (y / factor - gt[3]) / gt[5] - 0.5];
    },
    toLonLat(col, row) {
      const x = (gt[0] + (col + 0.5) * gt[1]) * factor;
      const y = (gt[3] + (row + 0.5) * gt[5]) * factor;
      return converter.inverse([x, y]) as [number, number];
    },
  };
}

/** The longitude/latitude box of a DEM's outline (pixel edges, 64 points along each side: projected edges bend). */
export function demBounds(projection: DemProjection, width: number, height: number): LonLatBounds {
  const bounds = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
  const add = (col: number, row: number) => {
    const [lon, lat] = projection.toLonLat(col, row);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    bounds.west = Math.min(bounds.west, lon);
    bounds.east = Math.max(bounds.east, lon);
    bounds.south = Math.min(bounds.south, lat);
    bounds.north = Math.max(bounds.north, lat);
  };
  const steps = 64;
  for (let i = 0; i <= steps; i++) {
    const c = -0.5 + (width * i) / steps;
    const r = -0.5 + (height * i) / steps;
    add(c, -0.5);
    add(c, height - 0.5);
    add(-0.5, r);
    add(width - 0.5, r);
  }
  if (!Number.isFinite(bounds.west))
    throw new GeorefError("the DEM's outline does not project to longitude/latitude");
  return bounds;
}
