/** TileJSON 3.0.0 of a tile set (github.com/mapbox/tilejson-spec, 3.0.0). */
import type { LonLatBounds } from "./mercator.js";
import type { TileProduct } from "./products.js";

export interface TileJson {
  tilejson: "3.0.0";
  name: string;
  description: string;
  version: string;
  scheme: "xyz";
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  /** Not in the spec's required keys: MapLibre reads these for raster and raster-dem sources. */
  tileSize: number;
  format: string;
  encoding?: "mapbox" | "terrarium";
}

/** The TileJSON of a pyramid; `tiles` is relative to the tiles.json itself. */
export function tileJson(options: {
  name: string;
  product: TileProduct;
  format: "png" | "webp";
  tileSize: number;
  minzoom: number;
  maxzoom: number;
  bounds: LonLatBounds;
  version: string;
}): TileJson {
  const { bounds, product } = options;
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  return {
    tilejson: "3.0.0",
    name: options.name,
    description: `${product.name} tiles made by demgrad ${options.version}`,
    version: "1.0.0",
    scheme: "xyz",
    tiles: [`{z}/{x}/{y}.${options.format}`],
    minzoom: options.minzoom,
    maxzoom: options.maxzoom,
    bounds: [round(bounds.west), round(bounds.south), round(bounds.east), round(bounds.north)],
    center: [
      round((bounds.west + bounds.east) / 2),
      round((bounds.south + bounds.north) / 2),
      options.maxzoom,
    ],
    tileSize: options.tileSize,
    format: options.format,
    ...(product.encoding ? { encoding: product.encoding } : {}),
  };
}
