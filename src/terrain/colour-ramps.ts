/**
 * The named colour ramps (`--ramp`), so that colour relief needs no file. `terrain` and `grey` span each DEM's own
 * range (percentages), so every DEM uses all their colours; `hypsometric` and `bathymetry` are tints of fixed
 * elevations in metres (converted to the DEM's vertical unit), so maps made with them compare. Nodata and NaN cells
 * are transparent black in all four.
 */
import type { ColourEntry, ColourStop, ColourTable } from "./colour-table.js";

export const RAMP_NAMES = ["terrain", "hypsometric", "bathymetry", "grey"] as const;
export type RampName = (typeof RAMP_NAMES)[number];

type Stop = readonly [number, number, number, number];

/** Lowland greens through tans and browns to grey rock and white summits, over the DEM's range (percent). */
const TERRAIN: readonly Stop[] = [
  [0, 58, 112, 66],
  [8, 96, 150, 78],
  [20, 150, 186, 102],
  [35, 214, 208, 142],
  [50, 206, 172, 110],
  [65, 166, 124, 84],
  [80, 150, 136, 124],
  [92, 206, 202, 198],
  [100, 255, 255, 255],
];

/** Hypsometric tints by elevation in metres, as atlases layer them: greens, yellows, browns, grey; white from 4500 m. */
const HYPSOMETRIC: readonly Stop[] = [
  [0, 94, 152, 94],
  [200, 134, 180, 108],
  [500, 190, 206, 132],
  [800, 232, 222, 150],
  [1200, 222, 190, 128],
  [1600, 200, 152, 100],
  [2000, 170, 118, 78],
  [2500, 150, 100, 72],
  [3000, 160, 140, 128],
  [3500, 200, 195, 190],
  [4500, 255, 255, 255],
];

/** Depths in metres (negative), pale at the coast to navy in the trenches; land above 0 a light neutral. */
const BATHYMETRY: readonly Stop[] = [
  [-11000, 6, 16, 52],
  [-6000, 14, 38, 98],
  [-4000, 28, 68, 138],
  [-2000, 46, 106, 172],
  [-1000, 72, 142, 198],
  [-200, 118, 184, 224],
  [-50, 164, 214, 238],
  [0, 206, 236, 248],
  // The coast: 0 is still sea, anything above is land.
  [0, 226, 224, 214],
  [9000, 250, 250, 246],
];

const GREY: readonly Stop[] = [
  [0, 0, 0, 0],
  [100, 255, 255, 255],
];

const RAMPS: Record<RampName, { stops: readonly Stop[]; relative: boolean }> = {
  terrain: { stops: TERRAIN, relative: true },
  hypsometric: { stops: HYPSOMETRIC, relative: false },
  bathymetry: { stops: BATHYMETRY, relative: false },
  grey: { stops: GREY, relative: true },
};

const TRANSPARENT: [number, number, number, number] = [0, 0, 0, 0];

/**
 * A named ramp as a colour table; `unitMetres` is the DEM's vertical unit in metres (the fixed-elevation ramps are
 * defined in metres).
 *
 * @example
 * ```ts
 * namedRamp("hypsometric", 0.3048).entries[1]; // { stop: { kind: "value", value: 328.08… }, rgba: [148, 191, 139, 255] }
 * ```
 */
export function namedRamp(name: RampName, unitMetres = 1): ColourTable {
  const { stops, relative } = RAMPS[name];
  const entries: ColourEntry[] = stops.map(([at, r, g, b]) => {
    const stop: ColourStop = relative
      ? { kind: "percent", percent: at }
      : { kind: "value", value: at / unitMetres };
    return { stop, rgba: [r, g, b, 255] };
  });
  entries.push({ stop: { kind: "nodata" }, rgba: [...TRANSPARENT] });
  entries.push({ stop: { kind: "value", value: Number.NaN }, rgba: [...TRANSPARENT] });
  return { entries };
}
