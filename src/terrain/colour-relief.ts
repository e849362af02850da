/**
 * Colour relief on strips: a colour per elevation from a colour table (./colour-table.ts), and the shaded relief
 * blend of those colours with a hillshade.
 */
import { nativeKernels } from "../native.js";
import { type ColourLut, type ColourSelection, colourOf } from "./colour-table.js";

/** The selections in the native kernels' numbering. */
const SELECTIONS: ColourSelection[] = ["interpolate", "exact", "nearest", "discrete"];

/** The cells to colour: rows × width cells of a row-major strip `stripWidth` wide, from row `firstRow`, column `x`. */
export interface StripCells {
  data: Float64Array;
  stripWidth: number;
  /** Row of the strip's data where the cells start. */
  firstRow: number;
  rows: number;
  x: number;
  width: number;
}

export interface ColourReliefOptions {
  lut: ColourLut;
  selection: ColourSelection;
  /** The DEM's nodata value: NaN cells (nodata) take its colour, as gdaldem colours the nodata value. */
  nodata: number | undefined;
}

/**
 * Colours cells into `bands` (red, green, blue and, when given, alpha), each rows × width bytes. Elevations are
 * rounded to float32 first, as gdaldem reads them.
 *
 * @example
 * ```ts
 * const bands = [r, g, b, a]; // Uint8Arrays of rows × width
 * colourReliefInto({ data, stripWidth: width, firstRow: 1, rows, x: 0, width }, { lut, selection: "interpolate", nodata }, bands);
 * ```
 */
export function colourReliefInto(cells: StripCells, options: ColourReliefOptions, bands: Uint8Array[]): void {
  const { data, stripWidth, firstRow, rows, x, width } = cells;
  const { lut, selection } = options;
  const rgba = new Uint8Array(4);
  const nodataColour = new Uint8Array(4);
  colourOf(lut, Math.fround(options.nodata ?? Number.NaN), selection, nodataColour, 0);
  const [red, green, blue, alpha] = bands as [Uint8Array, Uint8Array, Uint8Array, Uint8Array?];
  const native = nativeKernels();
  if (native) {
    const code = SELECTIONS.indexOf(selection);
    native.colourRelief(
      data,
      stripWidth,
      firstRow,
      rows,
      x,
      width,
      lut.values,
      lut.rgba,
      code,
      nodataColour,
      red,
      green,
      blue,
      alpha,
    );
    return;
  }
  for (let k = 0; k < rows; k++) {
    const from = (firstRow + k) * stripWidth + x;
    const to = k * width;
    for (let c = 0; c < width; c++) {
      const value = data[from + c]!;
      let colour = nodataColour;
      if (value === value) {
        colourOf(lut, Math.fround(value), selection, rgba, 0);
        colour = rgba;
      }
      red[to + c] = colour[0]!;
      green[to + c] = colour[1]!;
      blue[to + c] = colour[2]!;
      if (alpha) alpha[to + c] = colour[3]!;
    }
  }
}

/**
 * The shaded relief's factor per hillshade value s (1–255): a multiply blend of the hillshade at `weight` opacity,
 * `1 − weight + weight · s / 255`.
 */
export function shadeFactors(weight: number): Float64Array {
  const factors = new Float64Array(256);
  for (let s = 0; s < 256; s++) factors[s] = 1 - weight + (weight * s) / 255;
  return factors;
}

/**
 * Shades colours in place: each colour component times the factor of the cell's hillshade, rounded; cells without
 * a hillshade (0) keep their colour, and alpha is left as it is.
 *
 * @example
 * ```ts
 * shadeColours([red, green, blue], shade, shadeFactors(0.8));
 * ```
 */
export function shadeColours(colours: Uint8Array[], shade: Uint8Array, factors: Float64Array): void {
  const native = nativeKernels();
  for (const band of colours) {
    if (native) {
      native.shadeColours(band, shade, factors);
      continue;
    }
    for (let i = 0; i < shade.length; i++) {
      const s = shade[i]!;
      if (s !== 0) band[i] = Math.round(band[i]! * factors[s]!);
    }
  }
}
