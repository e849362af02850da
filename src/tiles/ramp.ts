/**
 * Colour ramps for tile products: stops of value → RGB, interpolated linearly and clamped at both ends. The slope
 * ramp lives here until the shared named ramps of the colour-relief product replace it.
 */

/** Ascending stops: [value, red, green, blue]. */
export type Ramp = ReadonlyArray<readonly [number, number, number, number]>;

/** Slope in degrees: pale yellow on the flat, through orange and red, to dark red on cliffs. */
export const SLOPE_RAMP: Ramp = [
  [0, 255, 255, 204],
  [5, 255, 237, 160],
  [15, 254, 178, 76],
  [25, 253, 141, 60],
  [35, 227, 26, 28],
  [50, 128, 0, 38],
  [90, 64, 0, 19],
];

/** Writes the ramp's colour of `value` into `out[at…at+2]`. */
export function rampColour(ramp: Ramp, value: number, out: Uint8Array, at: number): void {
  let i = 0;
  while (i < ramp.length - 1 && value > ramp[i + 1]![0]) i++;
  const a = ramp[i]!;
  const b = ramp[Math.min(i + 1, ramp.length - 1)]!;
  const t = b[0] === a[0] ? 0 : Math.max(0, Math.min(1, (value - a[0]) / (b[0] - a[0])));
  out[at] = Math.round(a[1] + t * (b[1] - a[1]));
  out[at + 1] = Math.round(a[2] + t * (b[2] - a[2]));
  out[at + 2] = Math.round(a[3] + t * (b[3] - a[3]));
}
