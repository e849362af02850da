/**
 * The optional native kernels (native/kernels, built by `npm run build` wherever a C compiler and node-gyp are):
 * the hottest per-pixel loops — the spacing rows, the interior cells of the derivative methods, the grid-frame turn,
 * slope, aspect, hillshade, TRI, TPI, roughness, colour relief and its shading, float overview rows, the TIFF
 * floating-point predictor — in C, vectorised by the compiler. Each computes the same IEEE operations in the same
 * order as its JavaScript twin, so both give the same bits (the tests compare them on real DEMs); where the addon
 * cannot be loaded, the JavaScript loops run.
 *
 * `DEMGRAD_NATIVE=js` forces the JavaScript loops (for tests, and to compare the two).
 */
import { createRequire } from "node:module";

/** The addon's functions (native/kernels/kernels.c); all synchronous. */
export interface NativeKernels {
  /** `out[c − x0] = v0 + slope·(c − c0)` along the segments between sample columns `cols` (spacing rows). */
  lerp(values: Float64Array, cols: Float64Array, x0: number, count: number, out: Float64Array): void;
  /**
   * The gradient method's fast path on columns 1 … width − 2 of the row at offset `b` of `data` (rows above and
   * below present): writes dz/dx, dz/dy at `o + c`, east/north through `frame` ([m00, m01, m10, m11]) when given,
   * else signed by xSign/ySign. Returns how many columns it listed in `exceptions`: cells with a NaN among their
   * five values, which the caller recomputes by the general rule.
   */
  gradientInterior(
    data: Float64Array,
    b: number,
    width: number,
    xs: Float64Array,
    uniform: boolean,
    yUp: Float64Array,
    yDown: Float64Array,
    dzdx: Float64Array,
    dzdy: Float64Array,
    o: number,
    xSign: number,
    ySign: number,
    exceptions: Int32Array,
    frame?: [Float64Array, Float64Array, Float64Array, Float64Array],
  ): number;
  /** gdaldem's window methods' fast path (Horn, else Zevenbergen–Thorne), as `gradientInterior`. */
  windowInterior(
    data: Float64Array,
    b: number,
    width: number,
    xs: Float64Array,
    horn: boolean,
    yUp: Float64Array,
    yDown: Float64Array,
    dzdx: Float64Array,
    dzdy: Float64Array,
    o: number,
    xSign: number,
    ySign: number,
    exceptions: Int32Array,
    frame?: [Float64Array, Float64Array, Float64Array, Float64Array],
  ): number;
  /** Slope of `out.length` cells, degrees or percent, `nodata` where the gradient is NaN. */
  slope(dzdx: Float64Array, dzdy: Float64Array, out: Float32Array, nodata: number, percent: boolean): void;
  /** Aspect of `out.length` cells (compass or trigonometric degrees), `flat` where the gradient is 0. */
  aspect(
    dzdx: Float64Array,
    dzdy: Float64Array,
    out: Float32Array,
    nodata: number,
    flat: number,
    trigonometric: boolean,
    northBearing?: Float64Array,
  ): void;
  /** gdaldem's standard hillshade of `out.length` cells, from the constants hillshade.ts makes of the light. */
  hillshadeRegular(
    dzdx: Float64Array,
    dzdy: Float64Array,
    out: Uint8Array,
    sin254: number,
    cosAz254: number,
    sinAz254: number,
  ): void;
  /** One row (`count` cells from `offset`) of the east/north gradient turned by the bearing of grid north. */
  gridRotate(
    dzdx: Float64Array,
    dzdy: Float64Array,
    sin: Float64Array,
    cos: Float64Array,
    outX: Float64Array,
    outY: Float64Array,
    offset: number,
    count: number,
  ): void;
  /**
   * TRI (Riley 0, Wilson 1), TPI (2) or roughness (3) of columns [from, to) of the strip row at offset `mid`,
   * into out[c − x], in demgrad's double or (gdaldem) gdaldem's float32 arithmetic, times `scale`; nodata where
   * the centre is. Returns how many columns with a missing neighbour it listed in `exceptions`.
   */
  neighbourhoodRow(
    data: Float64Array,
    stride: number,
    mid: number,
    x: number,
    from: number,
    to: number,
    kind: number,
    gdaldem: boolean,
    scale: number,
    nodata: number,
    out: Float32Array,
    exceptions: Int32Array,
  ): number;
  /**
   * Colour relief: each cell's colour from the table (`values` ascending, `rgba` 4 bytes an entry; `selection`
   * 0 interpolate, 1 exact, 2 nearest, 3 discrete), NaN cells `nodataColour`, into the bands (alpha optional).
   */
  colourRelief(
    data: Float64Array,
    stripWidth: number,
    firstRow: number,
    rows: number,
    x: number,
    width: number,
    values: Float64Array,
    rgba: Uint8Array,
    selection: number,
    nodataColour: Uint8Array,
    red: Uint8Array,
    green: Uint8Array,
    blue: Uint8Array,
    alpha?: Uint8Array,
  ): void;
  /** `band[i] = Math.round(band[i] · factors[shade[i]])` where the shade is not 0 (the relief's blend). */
  shadeColours(band: Uint8Array, shade: Uint8Array, factors: Float64Array): void;
  /** An overview row of a float raster: each 2×2 block's mean without NaN and nodata cells (`bottom`: none). */
  meanRow(
    top: Float32Array,
    bottom: Float32Array | undefined,
    out: Float32Array,
    nodata: number | undefined,
  ): void;
  /** The same for directions in degrees: the summed unit vectors' direction (`table`: overviews.ts's SIN_COS). */
  circularMeanRow(
    top: Float32Array,
    bottom: Float32Array | undefined,
    out: Float32Array,
    nodata: number | undefined,
    table: Float64Array,
  ): void;
  /** The TIFF floating-point predictor of one `size`² tile at column `x0` of rows of `stride` 32-bit words. */
  float32Predict(words: Uint32Array, stride: number, x0: number, size: number, out: Uint8Array): void;
}

const ADDON = "../native/kernels/build/Release/demgrad_kernels.node";

let loaded: { kernels?: NativeKernels; reason: string } | undefined;

function load(): { kernels?: NativeKernels; reason: string } {
  if (loaded) return loaded;
  if (process.env["DEMGRAD_NATIVE"] === "js") {
    loaded = { reason: "DEMGRAD_NATIVE=js is set" };
    return loaded;
  }
  try {
    loaded = { kernels: createRequire(import.meta.url)(ADDON) as NativeKernels, reason: "" };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    loaded = {
      reason:
        code === "MODULE_NOT_FOUND"
          ? "the native kernels are not built (a C compiler and node-gyp are needed by `npm run build`)"
          : `the native kernels do not load: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  return loaded;
}

/** The native kernels, or undefined where the JavaScript loops must do the work. */
export function nativeKernels(): NativeKernels | undefined {
  return load().kernels;
}

/**
 * Why the JavaScript kernels run instead of the native ones (for a `--verbose` note), or undefined when the native
 * ones are used.
 *
 * @example
 * ```ts
 * const reason = nativeFallbackReason(); // "DEMGRAD_NATIVE=js is set"
 * ```
 */
export function nativeFallbackReason(): string | undefined {
  return load().kernels ? undefined : load().reason;
}
