/**
 * What a product is (the registry's contract): its name and help, its own options, what it needs from a strip,
 * its kernel and its output. One file per product in this folder declares one with `defineProduct`; the pipeline,
 * the CLI, `terrain` and `batch` iterate the registry and name no product themselves.
 */
import type { SpacingModel } from "../geo/types.js";
import type { CommonResolved } from "../options/common.js";
import type { OptionSpec, ResolvedOf } from "../options/schema.js";
import type { Workspace } from "../terrain/grid-steps.js";
import type { ElevationStrip, GradientStrip, Method } from "../terrain/types.js";

/**
 * The elevations around the cells a strip produces, for products that read them (TRI, colour relief, curvatures):
 * `strip` holds the rows read (the output rows and up to `ProductNeeds.elevationHalo` rows each side, fewer at the
 * DEM's top and bottom) across the whole read width, in the DEM's stored unit, NaN = nodata. The cells to produce
 * are rows [firstRow, firstRow + rows) and columns [x, x + width) of the DEM (a seamless tile reads a wider window
 * and writes only its own columns); the strip's first and last columns are the DEM's (or mosaic's) borders.
 */
export interface ElevationWindow {
  strip: ElevationStrip;
  firstRow: number;
  rows: number;
  x: number;
  width: number;
  /** Metres per stored unit (the DEM's vertical unit, or --vertical-unit). */
  unitMetres: number;
  /** Metres per stored unit times the z-factor: what the gradient is scaled by. */
  zMultiplier: number;
  /** +1 when column index grows towards map +x (gt[1] > 0), −1 otherwise. */
  xSign: 1 | -1;
  /** +1 when row index grows towards map +y (south-up), −1 for the usual north-up raster. */
  ySign: 1 | -1;
}

/**
 * The strip data a product reads: the gradient east/north (`ground`) and along the map's axes (`grid`), in m/m,
 * and the elevations. The gradient arrays are empty when no requested product needs them.
 */
export interface StripInputs {
  ground: GradientStrip;
  /** The same as `ground` unless some product needs the grid frame (see `ProductNeeds`). */
  grid: GradientStrip;
  elevations: ElevationWindow;
}

/** What a product needs computed for each strip. */
export interface ProductNeeds {
  /** The east/north gradient (default true): false for products made from the elevations alone. */
  gradient?: boolean;
  /** The gradient in the frame of the map's +y axis (hillshade: light relative to the map; grid-north aspect). */
  gridGradient: boolean;
  /** Rows (and columns) of elevations the product reads around each cell it produces (default 0). At most 2. */
  elevationHalo?: number;
  /**
   * It differentiates the elevations itself (curvature's second derivatives), so the derivative options (--method,
   * --spacing, -z) shape it although it needs no gradient (default false).
   */
  ownDerivatives?: boolean;
  /**
   * The DEM's elevation range (`DemContext.range`, default false): the pipeline finds it before the strips run, from
   * the file's statistics or a streaming pass (colour tables with percentages).
   */
  elevationRange?: boolean;
}

/** Made from the elevations alone (TRI, TPI, roughness, colour relief): neither the gradient nor derivatives of its own. */
export function fromElevationsAlone(needs: ProductNeeds): boolean {
  return needs.gradient === false && needs.ownDerivatives !== true;
}

/**
 * What a kernel may know of the whole DEM, beyond its strips — plain data, the same on every thread. A seamless tile
 * is told its mosaic's range, so its colours match the mosaic's.
 */
export interface DemContext {
  /** The DEM's nodata value (nodata cells reach kernels as NaN). */
  nodata: number | undefined;
  /** Metres per stored unit (the vertical unit, or --vertical-unit). */
  unitMetres: number;
  /** Smallest and largest valid elevation, in stored units; found only when `needs().elevationRange`. */
  range: { min: number; max: number } | undefined;
}

/** Output arrays from the thread's pool (reused once written). */
export interface BandAllocator {
  float32(length: number): Float32Array;
  uint8(length: number): Uint8Array;
}

export type Band = Float32Array | Uint8Array;

/** One strip of a product: its bands for the strip's cells, in arrays from `alloc`. */
export type ProductKernel = (inputs: StripInputs, alloc: BandAllocator, workspace: Workspace) => Band[];

/** How overview levels are made from the level below (declared per product; COG outputs read it). */
export type OverviewResampling = "mean" | "circular-mean" | "average" | "nearest" | "mode";

/** The raster a product writes. */
export interface OutputSpec {
  sampleType: "Float32" | "Byte";
  bands: number;
  /** How the bands are shown (default grey): RGB or RGBA images (3 or 4 Byte bands, alpha last). */
  colour?: "grey" | "rgb" | "rgba";
  /** Written as GDAL_NODATA; undefined: none. */
  nodata: number | undefined;
  bandDescriptions: string[];
  units?: string[];
  overviewResampling: OverviewResampling;
}

/** The output formats (as src/io/output-format.ts names them). */
export type OutputFormat = "geotiff" | "png";

/**
 * A file a product's command takes as a positional argument between the DEM and the output (optional, so every
 * product still runs with its defaults): `demgrad color-relief <dem> [color-file] <out>`. It fills the product's
 * option `key`, which also has its flag.
 */
export interface ProductArgument {
  key: string;
  /** The argument's name in the usage line (`color-file`). */
  name: string;
  help: string;
}

/** Options as every product receives them: the common ones and its own. */
export type OptionsOf<S extends readonly OptionSpec[]> = CommonResolved & ResolvedOf<S>;

/** A product definition, with its own option specs `S`. */
export interface ProductDefinition<
  N extends string = string,
  S extends readonly OptionSpec[] = readonly OptionSpec[],
  O = OptionsOf<S>,
> {
  readonly name: N;
  /** Place in help listings and in `terrain`/`batch` order. */
  readonly order: number;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** What the output argument is (`output .tif`). */
  readonly outputHelp: string;
  /** Whether `batch` writes it when `--products` is not given. */
  readonly inBatchByDefault: boolean;
  /** Formats it can be written as, the default first. */
  readonly formats: readonly OutputFormat[];
  readonly options: S;
  /**
   * The derivative methods it can be made with, and why not with the others (default: every method). A run asking
   * for another is refused before any work, naming the method's flag and the product.
   */
  readonly methods?: { readonly only: readonly Method[]; readonly reason: string };
  /** Positional files of its own command, before the output (see `ProductArgument`). */
  readonly arguments?: readonly ProductArgument[];
  needs(options: O): ProductNeeds;
  output(options: O): OutputSpec;
  /** Warnings to give once, before the strips run (e.g. a colour table's `nv` entry on a DEM without nodata). */
  warnings?(options: O, dem: DemContext): string[];
  /** The kernel, with options resolved once (and, with `--compat gdaldem`, gdaldem's behaviour where it differs). */
  kernel(options: O, spacing: SpacingModel, dem: DemContext): ProductKernel;
}

/** Any product, as the registry holds it: called with every option resolved. */
export type RegisteredProduct = ProductDefinition<
  string,
  readonly OptionSpec[],
  CommonResolved & Record<string, unknown>
>;

/** Declares a product with its literal name and option types kept. */
export function defineProduct<const N extends string, const S extends readonly OptionSpec[]>(
  definition: ProductDefinition<N, S>,
): ProductDefinition<N, S> {
  return definition;
}

/** The float products' nodata (DESIGN §2). */
export const FLOAT_NODATA = -9999;
