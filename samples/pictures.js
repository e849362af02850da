// Pictures of rasters for the demo and the docs' gallery: colour ramps, and a legend (title, colour bar, labelled
// ticks) drawn under the image with sharp. Presentation only: the products themselves are demgrad's files.
import sharp from "sharp";

/** Colour ramps as stops [position 0..1, [r, g, b]]. */
export const RAMPS = {
  // Light yellow to deep purple: steepness.
  slope: [
    [0, [255, 255, 204]],
    [0.17, [161, 218, 180]],
    [0.33, [65, 182, 196]],
    [0.5, [44, 127, 184]],
    [0.75, [37, 52, 148]],
    [1, [80, 20, 90]],
  ],
  // Perceptually even, dark blue to yellow (close to viridis): any non-negative measure.
  sequential: [
    [0, [68, 1, 84]],
    [0.25, [59, 82, 139]],
    [0.5, [33, 145, 140]],
    [0.75, [94, 201, 98]],
    [1, [253, 231, 37]],
  ],
  // Blue – white – red around zero: signed measures (curvature, TPI, gradient components).
  diverging: [
    [0, [33, 102, 172]],
    [0.25, [146, 197, 222]],
    [0.5, [247, 247, 247]],
    [0.75, [244, 165, 130]],
    [1, [178, 24, 43]],
  ],
  // A muted colour wheel for directions (north, east, south, west, north): no saturated rainbow.
  compass: [
    [0, [110, 140, 200]],
    [0.125, [120, 180, 190]],
    [0.25, [150, 200, 140]],
    [0.375, [210, 210, 130]],
    [0.5, [230, 170, 110]],
    [0.625, [215, 130, 120]],
    [0.75, [180, 120, 170]],
    [0.875, [140, 120, 200]],
    [1, [110, 140, 200]],
  ],
};

/** Legend ticks of a compass-bearing ramp (0–360°). */
export const COMPASS_TICKS = [
  [0, "N"],
  [0.25, "E"],
  [0.5, "S"],
  [0.75, "W"],
  [1, "N"],
];

/** The colour of position t (0..1, clamped) on a ramp. */
export function rampColour(ramp, t) {
  if (!(t > ramp[0][0])) return ramp[0][1];
  for (let i = 1; i < ramp.length; i++) {
    const [t1, c1] = ramp[i];
    const [t0, c0] = ramp[i - 1];
    if (t <= t1) return c0.map((c, k) => c + ((c1[k] - c) * (t - t0)) / (t1 - t0));
  }
  return ramp[ramp.length - 1][1];
}

/** The p-th quantile (0..1) of the finite values. */
export function quantile(values, p) {
  const finite = Float64Array.from(values).filter(Number.isFinite).sort();
  return finite.length === 0 ? 0 : finite[Math.min(finite.length - 1, Math.floor(p * finite.length))];
}

/**
 * RGB bytes of `values` on `ramp` from `min` to `max`; NaN (and `nodata`) cells get `nodataColour`. `shade`
 * (0..255 per cell, optional) darkens each colour like a hillshade under it.
 */
export function colourise(values, { ramp, min, max, nodata, nodataColour = [200, 200, 200], shade }) {
  const rgb = Buffer.alloc(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let colour = Number.isNaN(v) || v === nodata ? nodataColour : rampColour(ramp, (v - min) / (max - min));
    if (shade) {
      const light = 0.45 + (0.55 * shade[i]) / 255;
      colour = colour.map((c) => c * light);
    }
    rgb[3 * i] = Math.round(colour[0]);
    rgb[3 * i + 1] = Math.round(colour[1]);
    rgb[3 * i + 2] = Math.round(colour[2]);
  }
  return rgb;
}

const escapeXml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Writes `rgb` (width × height × 3 bytes) as a PNG with a legend below it: the title, and a colour bar of `ramp`
 * with `ticks` ([position 0..1, label]). Without a ramp, only the title.
 */
export async function savePicture(path, rgb, width, height, { title, ramp, ticks = [] }) {
  const band = ramp ? 58 : 30;
  const barLeft = 12;
  const barWidth = width - 24;
  const stops = ramp
    ? ramp
        .map(
          ([t, [r, g, b]]) =>
            `<stop offset="${t}" stop-color="rgb(${r.toFixed(0)},${g.toFixed(0)},${b.toFixed(0)})"/>`,
        )
        .join("")
    : "";
  const tickMarks = ticks
    .map(([t, label]) => {
      const x = barLeft + t * barWidth;
      const anchor = t <= 0.02 ? "start" : t >= 0.98 ? "end" : "middle";
      return `<line x1="${x}" y1="34" x2="${x}" y2="40" stroke="#333"/><text x="${x}" y="52" text-anchor="${anchor}">${escapeXml(label)}</text>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${band}">
  <defs><linearGradient id="ramp" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>
  <rect width="${width}" height="${band}" fill="white"/>
  <g font-family="DejaVu Sans, sans-serif" font-size="12" fill="#222">
    <text x="${barLeft}" y="15">${escapeXml(title)}</text>
    ${ramp ? `<rect x="${barLeft}" y="21" width="${barWidth}" height="13" fill="url(#ramp)" stroke="#555" stroke-width="0.5"/>` : ""}
    ${tickMarks}
  </g>
</svg>`;
  const legend = await sharp(Buffer.from(svg))
    .flatten({ background: "white" })
    .removeAlpha()
    .raw()
    .toBuffer();
  const picture = Buffer.concat([rgb, legend]);
  await sharp(picture, { raw: { width, height: height + band, channels: 3 } })
    .png()
    .toFile(path);
  return path;
}

/** Evenly spaced tick labels from min to max (`format` turns a value into its label). */
export function ticksBetween(min, max, count, format) {
  return Array.from({ length: count }, (_, k) => [
    k / (count - 1),
    format(min + ((max - min) * k) / (count - 1)),
  ]);
}
