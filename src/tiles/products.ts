/**
 * Tile products: each names the per-pixel fields it is made from (elevation in metres, hillshade grey, slope in
 * degrees; NaN = nodata) and paints tile pixels from them. A new product (colour relief, relief = colour ×
 * hillshade) is one more entry: a function from those fields to pixels.
 */
import { RELIEF_SHADE_WEIGHT } from "../products/relief.js";
import { shadeFactors } from "../terrain/colour-relief.js";
import { type ColourLut, type ColourSelection, colourOf } from "../terrain/colour-table.js";
import { rampColour, SLOPE_RAMP } from "./ramp.js";

export type Field = "elevation" | "hillshade" | "slope";
/** The fields terrain kernels compute (the rest are resampled elevations). */
export type TerrainField = Exclude<Field, "elevation">;
export type FieldValues = Partial<Record<Field, Float32Array>>;

export interface TileProduct {
  readonly name: string;
  readonly fields: readonly Field[];
  /** 2 = grey + alpha, 4 = RGBA. Alpha 0 marks nodata. */
  readonly channels: 2 | 4;
  /** raster-dem products: MapLibre's name of the encoding. */
  readonly encoding?: "mapbox" | "terrarium";
  /** Colour products: the colour table made concrete for the DEM, on elevations in metres (plain data). */
  readonly colour?: TileColour;
  /** Paints `count` pixels from the fields into `out` (`count · channels` bytes). */
  paint(fields: FieldValues, count: number, out: Uint8Array): void;
}

/** The colour table of colour-relief and relief tiles: entries in metres, and how values between them are coloured. */
export interface TileColour {
  lut: ColourLut;
  selection: ColourSelection;
}

export const TILE_PRODUCTS = [
  "hillshade",
  "slope",
  "color-relief",
  "relief",
  "terrain-rgb",
  "terrarium",
] as const;
export type TileProductName = (typeof TILE_PRODUCTS)[number];

/** Mapbox Terrain-RGB: h = −10000 + (R·65536 + G·256 + B) · 0.1 m; nodata transparent (and 0 m). */
export function encodeTerrainRgb(h: number, out: Uint8Array, at: number): void {
  const v = Math.max(0, Math.min(16777215, Math.round((h + 10000) * 10)));
  out[at] = v >> 16;
  out[at + 1] = (v >> 8) & 255;
  out[at + 2] = v & 255;
}

/** Terrarium: h = R·256 + G + B/256 − 32768 m. */
export function encodeTerrarium(h: number, out: Uint8Array, at: number): void {
  const v = Math.max(0, Math.min(16777215, Math.round((h + 32768) * 256)));
  out[at] = v >> 16;
  out[at + 1] = (v >> 8) & 255;
  out[at + 2] = v & 255;
}

function elevationProduct(
  name: string,
  encoding: "mapbox" | "terrarium",
  encode: (h: number, out: Uint8Array, at: number) => void,
): TileProduct {
  return {
    name,
    fields: ["elevation"],
    channels: 4,
    encoding,
    paint(fields, count, out) {
      const h = fields.elevation!;
      for (let k = 0; k < count; k++) {
        const v = h[k]!;
        const valid = v === v;
        encode(valid ? v : 0, out, 4 * k);
        out[4 * k + 3] = valid ? 255 : 0;
      }
    },
  };
}

/**
 * The colour relief of the elevations (`demgrad color-relief`'s colours, the table's alpha), shaded by the
 * hillshade like `demgrad relief` when `shaded`. Nodata is transparent.
 */
function colourProduct(name: string, colour: TileColour, shaded: boolean): TileProduct {
  const factors = shadeFactors(RELIEF_SHADE_WEIGHT);
  return {
    name,
    fields: shaded ? ["elevation", "hillshade"] : ["elevation"],
    channels: 4,
    colour,
    paint(fields, count, out) {
      const h = fields.elevation!;
      const shade = fields.hillshade;
      for (let k = 0; k < count; k++) {
        const v = h[k]!;
        if (v !== v) {
          out.fill(0, 4 * k, 4 * k + 4);
          continue;
        }
        colourOf(colour.lut, v, colour.selection, out, 4 * k);
        const s = shade ? shade[k]! : Number.NaN;
        // Cells without a hillshade keep their colour, as in the relief product.
        if (s === s) {
          const f = factors[Math.max(1, Math.min(255, Math.round(s)))]!;
          for (let c = 0; c < 3; c++) out[4 * k + c] = Math.round(out[4 * k + c]! * f);
        }
      }
    },
  };
}

const PRODUCTS: Record<Exclude<TileProductName, "color-relief" | "relief">, TileProduct> = {
  hillshade: {
    name: "hillshade",
    fields: ["hillshade"],
    channels: 2,
    paint(fields, count, out) {
      const shade = fields.hillshade!;
      for (let k = 0; k < count; k++) {
        const v = shade[k]!;
        const valid = v === v;
        out[2 * k] = valid ? Math.max(1, Math.min(255, Math.round(v))) : 0;
        out[2 * k + 1] = valid ? 255 : 0;
      }
    },
  },
  slope: {
    name: "slope",
    fields: ["slope"],
    channels: 4,
    paint(fields, count, out) {
      const degrees = fields.slope!;
      for (let k = 0; k < count; k++) {
        const v = degrees[k]!;
        if (v === v) {
          rampColour(SLOPE_RAMP, v, out, 4 * k);
          out[4 * k + 3] = 255;
        } else out.fill(0, 4 * k, 4 * k + 4);
      }
    },
  },
  "terrain-rgb": elevationProduct("terrain-rgb", "mapbox", encodeTerrainRgb),
  terrarium: elevationProduct("terrarium", "terrarium", encodeTerrarium),
};

/** The product of a name; the colour products need their colour table. */
export function tileProduct(name: TileProductName, colour?: TileColour): TileProduct {
  if (name === "color-relief" || name === "relief") {
    if (!colour) throw new Error(`${name} tiles need a colour table`);
    return colourProduct(name, colour, name === "relief");
  }
  return PRODUCTS[name];
}
