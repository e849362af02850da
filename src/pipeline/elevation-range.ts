/**
 * The DEM's elevation range, for products that need it before the strips run (colour tables in percentages): as
 * gdaldem finds it — the file's stored statistics, else the exact minimum and maximum of every valid cell, in one
 * streaming pass of bounded memory.
 */
import { AbortError } from "../errors.js";
import type { ElevationSource } from "../io/dem-reader.js";

export interface ElevationRange {
  min: number;
  max: number;
}

/**
 * The stored statistics' range, else the exact range of the valid cells read `rowsPerRead` rows at a time; undefined
 * when every cell is nodata.
 *
 * @example
 * ```ts
 * const range = await elevationRange(dem, 256); // { min: 1520, max: 1826 }
 * ```
 */
export async function elevationRange(
  dem: ElevationSource,
  rowsPerRead: number,
  signal?: AbortSignal,
): Promise<ElevationRange | undefined> {
  if (dem.statistics) return { ...dem.statistics };
  const { width, height } = dem;
  const rows = Math.max(1, Math.min(rowsPerRead, height));
  const buffer = new Float64Array(rows * width);
  let min = Infinity;
  let max = -Infinity;
  for (let first = 0; first < height; first += rows) {
    if (signal?.aborted) throw new AbortError();
    const count = Math.min(rows, height - first);
    const values = await dem.readRows(first, count, buffer.subarray(0, count * width));
    for (let i = 0; i < count * width; i++) {
      const v = values[i]!;
      // NaN (nodata) fails both tests.
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : undefined;
}

/** The range of several: the smallest minimum and the largest maximum. */
export function unionRange(ranges: Array<ElevationRange | undefined>): ElevationRange | undefined {
  const known = ranges.filter((r) => r !== undefined);
  if (known.length === 0) return undefined;
  return { min: Math.min(...known.map((r) => r.min)), max: Math.max(...known.map((r) => r.max)) };
}
