/**
 * What a product is (the registry's contract): its name and help, its own options, what it needs from a strip,
 * its kernel and its output. One file per product in this folder declares one with `defineProduct`; the pipeline,
 * the CLI, `terrain` and `batch` iterate the registry and name no product themselves.
 */
import type { SpacingModel } from "../geo/types.js";
import type { CommonResolved } from "../options/common.js";
import type { OptionSpec, ResolvedOf } from "../options/schema.js";
import type { Workspace } from "../terrain/grid-steps.js";
import type { GradientStrip } from "../terrain/types.js";

/** The strip data a product reads: the gradient east/north (`ground`) and along the map's axes (`grid`), in m/m. */
export interface StripInputs {
  ground: GradientStrip;
  /** The same as `ground` unless some product needs the grid frame (see `ProductNeeds`). */
  grid: GradientStrip;
}

/** What a product needs computed for each strip beyond the east/north gradient. */
export interface ProductNeeds {
  /** The gradient in the frame of the map's +y axis (hillshade: light relative to the map; grid-north aspect). */
  gridGradient: boolean;
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
  /** Written as GDAL_NODATA; undefined: none. */
  nodata: number | undefined;
  bandDescriptions: string[];
  units?: string[];
  overviewResampling: OverviewResampling;
}

/** The output formats (as src/io/output-format.ts names them). */
export type OutputFormat = "geotiff" | "png";

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
  needs(options: O): ProductNeeds;
  output(options: O): OutputSpec;
  /** The kernel, with options resolved once (and, with `--compat gdaldem`, gdaldem's behaviour where it differs). */
  kernel(options: O, spacing: SpacingModel): ProductKernel;
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
