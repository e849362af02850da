/**
 * One path from a DEM to its derivatives, shared by the streaming driver, its worker threads and the in-memory
 * library calls: the derivative options and unit factor from the DEM and the options, the spacing model a plan
 * describes, the strip size, and the unit scaling of the gradient. Pure (the worker threads import it).
 */
import { spacingModel } from "../geo/spacing.js";
import type { Georef, SpacingModel } from "../geo/types.js";
import { assumedVerticalUnitWarning, unitFromName } from "../geo/units.js";
import type { DerivativeOptions, GradientStrip } from "../terrain/types.js";
import type { ResolvedOptions } from "./options.js";

/** What the derivative settings depend on: the DEM's georeferencing and stored sample type. */
export interface DemFacts {
  georef: Georef;
  sampleType: string;
}

/** Which grid the spacing model describes: the DEM's, or a window of a mosaic around it (seamless batch). */
export interface SpacingFrame {
  georef: Georef;
  window?: { x: number; y: number; width: number; height: number };
}

/** The derivative options without the spacing model, and the gradient's unit factor. */
export function derivativeSettings(
  dem: DemFacts,
  opts: ResolvedOptions,
): { derivative: Omit<DerivativeOptions, "spacing">; zMultiplier: number; unitMetres: number } {
  // --vertical-unit is one of m, ft, us-ft (resolveOptions checked it).
  const unitMetres = opts.verticalUnit
    ? unitFromName(opts.verticalUnit)!.metres
    : dem.georef.verticalUnit.metres;
  const gt = dem.georef.geoTransform;
  return {
    zMultiplier: unitMetres * opts.zFactor,
    unitMetres,
    derivative: {
      method: opts.method,
      edgeOrder: opts.edgeOrder,
      edges: opts.edges,
      xSign: gt && gt[1] < 0 ? -1 : 1,
      ySign: gt && gt[5] > 0 ? 1 : -1,
      float32Sums: opts.compat && !["UInt8", "Int16", "UInt16"].includes(dem.sampleType),
    },
  };
}

/** Says, once per DEM, that its elevation unit was assumed from the CRS (unless --vertical-unit names it). */
export function warnAssumedVerticalUnit(dem: DemFacts, opts: ResolvedOptions): void {
  const message = assumedVerticalUnitWarning(dem.georef.verticalUnit, opts.verticalUnit !== undefined);
  if (message) opts.warn(message);
}

/** Everything the derivative kernels need, resolved from the DEM's georeferencing and the options. */
export interface DerivativeContext {
  derivative: DerivativeOptions;
  /** Multiplies stored elevations into metres times the z-factor. */
  zMultiplier: number;
  spacing: SpacingModel;
}

/**
 * Everything the derivative kernels need for a whole DEM in memory (see memory-dem.ts). An assumed vertical unit is
 * not said again: readDem, which applied it, said it.
 */
export function derivativeContext(dem: DemFacts, opts: ResolvedOptions): DerivativeContext {
  const { derivative, zMultiplier } = derivativeSettings(dem, opts);
  // The whole DEM is one strip.
  const stripRows = dem.georef.height;
  const spacing = planSpacing({ spacingFrame: { georef: dem.georef }, options: opts, stripRows }, opts.warn);
  return { derivative: { ...derivative, spacing }, zMultiplier, spacing };
}

/**
 * The spacing model a plan describes (warnings go to `warn`; workers rebuild it silently). When no product reads the
 * gradient (`spacingUnused`), a unit model stands in: colours need no ground distances, so a DEM whose
 * georeferencing gives none is still coloured.
 */
export function planSpacing(
  plan: {
    spacingFrame: SpacingFrame;
    options: Pick<ResolvedOptions, "spacing" | "xscale" | "yscale">;
    stripRows: number;
    spacingUnused?: boolean | undefined;
  },
  warn?: (m: string) => void,
): SpacingModel {
  const { georef, window } = plan.spacingFrame;
  if (plan.spacingUnused)
    return spacingModel({ ...georef, geoTransform: undefined }, { xscale: 1, yscale: 1, window });
  const { spacing, xscale, yscale } = plan.options;
  // A strip's rows and its halo are visited twice (x, then y steps): the model keeps that many sampled rows.
  const rowsInUse = plan.stripRows + 8;
  return spacingModel(georef, { mode: spacing, xscale, yscale, window, warn, rowsInUse });
}

/** Rows per strip: about 1 Mpixel, so memory does not grow with the DEM and small DEMs run in one strip. */
export function stripRowsFor(width: number): number {
  return Math.max(8, Math.min(1024, Math.floor(1_048_576 / Math.max(1, width))));
}

/**
 * Derivatives are linear in the elevations, so vertical unit and z-factor scale the gradient afterwards: flat stays
 * exactly flat and integer DEMs keep exact neighbour sums (as gdaldem computes them).
 */
export function scaleGradient(grad: GradientStrip, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < grad.dzdx.length; i++) {
    grad.dzdx[i]! *= factor;
    grad.dzdy[i]! *= factor;
  }
}
