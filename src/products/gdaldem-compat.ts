/**
 * gdaldem's image-space conventions, for the products' `--compat gdaldem` behaviour: it takes aspect (and igor's
 * aspect) from the raw neighbour differences, ignoring the pixel size.
 */
import type { SpacingModel } from "../geo/types.js";
import type { Workspace } from "../terrain/grid-steps.js";
import type { GradientStrip } from "../terrain/types.js";

/** The (uniform) pixel steps of a nominal or explicit spacing model. */
function nominalSteps(spacing: SpacingModel): [number, number] {
  const xSteps = new Float64Array(Math.max(1, spacing.width - 1));
  const ySteps = new Float64Array(spacing.width);
  if (spacing.width > 1) spacing.xSteps(0, xSteps);
  if (spacing.height > 1) spacing.ySteps(0, ySteps);
  const x = spacing.width > 1 ? xSteps[0]! : ySteps[0]!;
  const y = spacing.height > 1 ? ySteps[0]! : x;
  return [x || 1, y || x || 1];
}

/** Pixel height ÷ pixel width of a nominal model (igor's aspect in image space). */
export function pixelAspectRatio(spacing: SpacingModel): number {
  const [x, y] = nominalSteps(spacing);
  return y / x;
}

/** The derivatives scaled back by the (nominal) pixel steps: gdaldem's image-space differences. */
export function pixelSpaceGradient(
  spacing: SpacingModel,
): (g: GradientStrip, ws: Workspace) => GradientStrip {
  const [xStep, yStep] = nominalSteps(spacing);
  return (g, ws) => {
    const dzdx = ws.float64("pixel dz/dx", g.dzdx.length);
    const dzdy = ws.float64("pixel dz/dy", g.dzdy.length);
    for (let i = 0; i < dzdx.length; i++) {
      dzdx[i] = g.dzdx[i]! * xStep;
      dzdy[i] = g.dzdy[i]! * yStep;
    }
    return { ...g, dzdx, dzdy };
  };
}
