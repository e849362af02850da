// Renders the colour pictures of the docs from the bundled sample DEM (samples/alps-utm32.tif) with demgrad's own
// products: `npm run build && node docs/images/make-colour-images.js`.
//  - docs/images/ramp-<name>.png: each named ramp as color-relief (left) and relief (right); bathymetry on the
//    sample lowered by 1500 m, so that most of it is sea floor
//  - docs/images/relief-blend.png: the relief blend, color-relief × hillshade (combined) = relief
//  - docs/images/relief.png: the relief product with its defaults (README)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { processDem, readDem, writeGeoTiff } from "../../dist/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const images = `${root}docs/images/`;
const dem = `${root}samples/alps-utm32.tif`;
const work = mkdtempSync(`${tmpdir()}/demgrad-images-`);
const quiet = { warn: () => {} };
// Half size: enough to see the colours, small in the repository.
const PANEL = 240;

/** Images side by side, each `PANEL` px wide, 8 px apart on white. */
async function panels(out, files) {
  const resized = await Promise.all(files.map((f) => sharp(f).resize({ width: PANEL }).png().toBuffer()));
  const { height } = await sharp(resized[0]).metadata();
  await sharp({
    create: {
      width: files.length * PANEL + (files.length - 1) * 8,
      height,
      channels: 3,
      background: "#ffffff",
    },
  })
    .composite(resized.map((input, i) => ({ input, left: i * (PANEL + 8), top: 0 })))
    .png({ compressionLevel: 9, palette: true, quality: 90 })
    .toFile(out);
}

try {
  const lowered = `${work}/seabed.tif`;
  const source = await readDem(dem);
  await writeGeoTiff(
    lowered,
    { width: source.width, height: source.height, data: Float32Array.from(source.data, (z) => z - 1500) },
    { like: source.georef },
  );
  for (const ramp of ["terrain", "hypsometric", "bathymetry", "grey"]) {
    const input = ramp === "bathymetry" ? lowered : dem;
    const colour = `${work}/${ramp}.colour.png`;
    const relief = `${work}/${ramp}.relief.png`;
    await processDem(input, { "color-relief": colour, relief }, { ramp, ...quiet });
    await panels(`${images}ramp-${ramp}.png`, [colour, relief]);
  }
  const shade = `${work}/shade.png`;
  await processDem(dem, { hillshade: shade }, { variant: "combined", ...quiet });
  await panels(`${images}relief-blend.png`, [
    `${work}/terrain.colour.png`,
    shade,
    `${work}/terrain.relief.png`,
  ]);
  await sharp(`${work}/terrain.relief.png`)
    .png({ compressionLevel: 9, palette: true, quality: 90 })
    .toFile(`${images}relief.png`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
