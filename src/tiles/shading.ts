/**
 * Hillshade and slope of a block of elevations with the very kernels, options and ground spacing `demgrad hillshade`
 * and `demgrad slope` use (the pipeline's strip computation, read-only). Pure: runs in tile workers too.
 */
import type { Georef, SpacingModel } from "../geo/types.js";
import type { SampleType } from "../io/sample-types.js";
import { planSpacing } from "../pipeline/derivative-plan.js";
import { type PlanOptions, type StripPlan, StripProducts, stripHalo } from "../pipeline/strip-products.js";
import { FLOAT_NODATA } from "../products/types.js";
import { derivativeHalo } from "../terrain/derivatives.js";
import type { DerivativeOptions } from "../terrain/types.js";
import type { TerrainField } from "./products.js";

/** The derivative settings of one grid (resolved on the main thread from the DEM and the options): plain data. */
export interface TerrainSettings {
  derivative: Omit<DerivativeOptions, "spacing">;
  /** Multiplies stored elevations into metres times the z-factor. */
  zMultiplier: number;
  /** Metres per stored unit. */
  unitMetres: number;
  options: PlanOptions;
}

/** A block of elevations in the DEM's stored unit, NaN = nodata, with the grid it is a window of. */
export interface ElevationBlock {
  data: Float64Array;
  width: number;
  height: number;
  /** The grid the block is a window of, for the ground spacing (a tile block: the whole zoom level's grid). */
  frame: Georef;
  window?: { x: number; y: number; width: number; height: number };
  sampleType: SampleType;
}

/** Rows of halo the derivative method needs around the cells it computes. */
export function terrainHalo(settings: TerrainSettings): number {
  return derivativeHalo(settings.derivative);
}

/**
 * The terrain fields of the cells `crop` of a block (NaN = nodata), computed in strips of `stripRows` rows. The
 * block's own edges are the DEM's borders; cells outside `crop` serve as halo. The ground spacing is the frame's
 * spacing model, or `spacing` when given.
 */
export function terrainFields(
  block: ElevationBlock,
  fields: readonly TerrainField[],
  settings: TerrainSettings,
  crop = { x: 0, y: 0, width: block.width, height: block.height },
  stripRows = 256,
  spacing?: SpacingModel,
): Partial<Record<TerrainField, Float32Array>> {
  const plan: StripPlan = {
    products: [...fields],
    width: block.width,
    demHeight: block.height,
    crop: { x: crop.x, width: crop.width },
    spacingFrame: { georef: block.frame, window: block.window },
    derivative: settings.derivative,
    zMultiplier: settings.zMultiplier,
    unitMetres: settings.unitMetres,
    halo: stripHalo(fields, settings.options, settings.derivative),
    stripRows,
    options: settings.options,
  };
  const products = new StripProducts(plan, spacing ?? planSpacing(plan));
  const { halo } = plan;
  const out: Partial<Record<TerrainField, Float32Array>> = {};
  for (const field of fields) out[field] = new Float32Array(crop.width * crop.height);
  for (let first = crop.y; first < crop.y + crop.height; first += stripRows) {
    const rows = Math.min(stripRows, crop.y + crop.height - first);
    const readFirst = Math.max(0, first - halo);
    const readRows = Math.min(block.height, first + rows + halo) - readFirst;
    const data = block.data.subarray(readFirst * block.width, (readFirst + readRows) * block.width);
    const result = products.compute({ data, readFirst, readRows, first, rows });
    const at = (first - crop.y) * crop.width;
    const [hillshade] = result.hillshade ?? [];
    if (hillshade) {
      const target = out.hillshade!;
      for (let k = 0; k < hillshade.length; k++) {
        const v = hillshade[k]!;
        target[at + k] = v === 0 ? Number.NaN : v;
      }
    }
    const [slope] = result.slope ?? [];
    if (slope) {
      const target = out.slope!;
      for (let k = 0; k < slope.length; k++) {
        const v = slope[k]!;
        target[at + k] = v === FLOAT_NODATA ? Number.NaN : v;
      }
    }
    products.recycle(result);
  }
  return out;
}
