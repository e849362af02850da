/**
 * Filling a window of a raster from the pieces that overlap it: the tiles of a seamless batch mosaic, the sources of
 * a VRT. Only the pieces that overlap the window are read, so memory is bounded by the window, not the mosaic.
 */

/** A rectangle of a raster grid in whole pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Something that paints its own rectangle of the target grid. */
export interface Piece {
  /** Where the piece lies on the target grid. */
  readonly rect: Rect;
  /** Paints `region` (inside both `rect` and `target`) into `out`, which holds `target` row by row. */
  paint(region: Rect, out: Float64Array, target: Rect): Promise<void>;
}

/** The part of `a` inside `b`, or undefined when they do not overlap. */
export function intersect(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x < x1 && y < y1 ? { x, y, width: x1 - x, height: y1 - y } : undefined;
}

/** Paints the pieces overlapping `target` into `out`, in order: a later piece paints over an earlier one. */
export async function paintWindow(target: Rect, pieces: Iterable<Piece>, out: Float64Array): Promise<void> {
  for (const piece of pieces) {
    const region = intersect(piece.rect, target);
    if (region) await piece.paint(region, out, target);
  }
}
