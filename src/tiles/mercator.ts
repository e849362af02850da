/**
 * Web Mercator tile math (EPSG:3857, XYZ scheme with y counted from the north), on the sphere of radius 6378137 m
 * that defines it.
 */

export const EARTH_RADIUS = 6378137;
/** Half the world's width in Web Mercator metres. */
export const HALF_WORLD = Math.PI * EARTH_RADIUS;
/** The latitude where the square Web Mercator world ends. */
export const MAX_LATITUDE = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI;

const DEG = Math.PI / 180;

/** A box in longitude/latitude degrees. */
export interface LonLatBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Inclusive tile index ranges of one zoom. */
export interface TileRange {
  z: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Web Mercator metres of a longitude/latitude (latitude clamped to the square world). */
export function lonLatToMercator(lon: number, lat: number): [number, number] {
  const phi = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * DEG;
  return [EARTH_RADIUS * lon * DEG, EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/** Longitude/latitude of Web Mercator metres (the exact inverse). */
export function mercatorToLonLat(x: number, y: number): [number, number] {
  return [x / EARTH_RADIUS / DEG, Math.atan(Math.sinh(y / EARTH_RADIUS)) / DEG];
}

/** Web Mercator metres per tile pixel at zoom `z`. */
export function pixelMetres(z: number, tileSize: number): number {
  return (2 * HALF_WORLD) / (tileSize * 2 ** z);
}

/**
 * The tiles of zoom `z` that a longitude/latitude box touches (tiles that only share an edge with it are left out).
 *
 * @example
 * ```ts
 * tileRange({ west: -1, south: -1, east: 1, north: 1 }, 1); // { z: 1, minX: 0, maxX: 1, minY: 0, maxY: 1 }
 * ```
 */
export function tileRange(bounds: LonLatBounds, z: number): TileRange {
  const n = 2 ** z;
  const [x0, y0] = lonLatToMercator(bounds.west, bounds.north);
  const [x1, y1] = lonLatToMercator(bounds.east, bounds.south);
  const span = (2 * HALF_WORLD) / n;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, v));
  return {
    z,
    minX: clamp(Math.floor((x0 + HALF_WORLD) / span)),
    maxX: clamp(Math.ceil((x1 + HALF_WORLD) / span) - 1),
    minY: clamp(Math.floor((HALF_WORLD - y0) / span)),
    maxY: clamp(Math.ceil((HALF_WORLD - y1) / span) - 1),
  };
}

/** Number of tiles in a range. */
export function tileCount(range: TileRange): number {
  return (range.maxX - range.minX + 1) * (range.maxY - range.minY + 1);
}

/** The Web Mercator bounds [minX, minY, maxX, maxY] of tile z/x/y. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const span = (2 * HALF_WORLD) / 2 ** z;
  return [
    -HALF_WORLD + x * span,
    HALF_WORLD - (y + 1) * span,
    -HALF_WORLD + (x + 1) * span,
    HALF_WORLD - y * span,
  ];
}

/**
 * The default zoom range of a DEM whose pixel measures `sourceMetres` on the ground at latitude `lat`: the highest
 * zoom is the first whose tile pixel is smaller than the source pixel; the lowest is the highest zoom at which the
 * DEM's width and height (`extent`, Web Mercator metres) fit in one tile.
 */
export function defaultZooms(
  sourceMetres: number,
  lat: number,
  extent: { width: number; height: number },
  tileSize: number,
): { minzoom: number; maxzoom: number } {
  const cosLat = Math.cos(lat * DEG);
  let maxzoom = 0;
  while (maxzoom < 24 && pixelMetres(maxzoom, tileSize) * cosLat >= sourceMetres) maxzoom++;
  const fit = Math.floor(Math.log2((2 * HALF_WORLD) / Math.max(extent.width, extent.height, 1e-9)));
  return { minzoom: Math.max(0, Math.min(maxzoom, fit)), maxzoom };
}
