// relief: the colour relief shaded by a hillshade. It must equal its definition computed from demgrad's own
// hillshade and color-relief outputs of the same DEM and options: each colour component c of a cell with hillshade
// s > 0 becomes round(c · (1 − 0.8 + 0.8·s/255)), cells without a hillshade keep their colour, alpha is the colour's.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { processDem } from "../../dist/index.js";
import { demgrad } from "../helpers/cli.js";
import { readBands, readPngBands } from "../helpers/raster.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-relief-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN = { layout: "plain", compress: "none" };

/** The blend, from a colour relief's bands and a hillshade band. */
function shaded(colours, shade) {
  return colours.map((band, b) =>
    b === 3
      ? Uint8Array.from(band)
      : Uint8Array.from(band, (c, i) =>
          shade[i] === 0 ? c : Math.round(c * (1 - 0.8 + (0.8 * shade[i]) / 255)),
        ),
  );
}

/** relief, hillshade (with relief's variant) and color-relief of one DEM in one run, as GeoTIFFs. */
async function threeProducts(dem, tag, options) {
  const outputs = {
    relief: `${dir}/${tag}.relief.tif`,
    hillshade: `${dir}/${tag}.hillshade.tif`,
    "color-relief": `${dir}/${tag}.colour.tif`,
  };
  const variant = options.hillshadeVariant ?? "combined";
  await processDem(dem, outputs, { ...PLAIN, ...options, variant, warn: () => {} });
  return {
    relief: await readBands(outputs.relief),
    shade: (await readBands(outputs.hillshade))[0],
    colours: await readBands(outputs["color-relief"]),
  };
}

for (const [name, options] of [
  // Int16 UTM with a nodata collar; the default ramp (terrain: percentages) and hillshade (combined).
  ["storml_elev_orig.tif", { alpha: true }],
  // Geographic, odd ellipsoid (committed): another ramp, variant and light.
  ["dem-hills.tiff", { ramp: "hypsometric", hillshadeVariant: "regular", azimuth: 100, altitude: 30 }],
  // gdaldem's hillshade (horn, nominal spacing, no edges: border cells have no shade and keep their colour).
  ["sdts_8821_oregon_basin_wy.tif", { compat: "gdaldem", hillshadeVariant: "igor", alpha: true }],
  ["castro_dem.tiff", { ramp: "grey", hillshadeVariant: "multidirectional", zFactor: 3 }],
]) {
  test(`${name}: relief is its colour relief times its hillshade (${JSON.stringify(options)})`, {
    skip: missing(name),
  }, async () => {
    const { relief, shade, colours } = await threeProducts(sample(name), name, options);
    assert.equal(relief.length, options.alpha ? 4 : 3);
    const expected = shaded(colours, shade);
    for (let b = 0; b < relief.length; b++)
      assert.deepEqual(Uint8Array.from(relief[b]), expected[b], `${name}: band ${b + 1}`);
    // The shade does something: most cells with a hillshade change colour.
    const lit = shade.filter((s) => s !== 0).length;
    const changed = relief[0].filter((v, i) => v !== colours[0][i]).length;
    assert.ok(lit > 0 && changed > lit / 2, `${changed} of ${lit} cells with a hillshade changed`);
  });
}

test("a colour file with percentages; PNG by default, RGB or RGBA; the same pixels as the GeoTIFF", {
  skip: missing("storml_elev_orig.tif"),
}, async () => {
  const dem = sample("storml_elev_orig.tif");
  const file = `${dir}/ramp.txt`;
  writeFileSync(file, "0% 20 60 20\n50% 200 180 120\n100% 255 255 255\nnv 0 0 0 0\n");
  for (const alpha of [false, true]) {
    const tif = `${dir}/file-${alpha}.tif`;
    const png = `${dir}/file-${alpha}.png`;
    await processDem(dem, { relief: tif }, { ...PLAIN, colorFile: file, alpha, warn: () => {} });
    const run = demgrad(["relief", dem, png, "--color-file", file, ...(alpha ? ["--alpha"] : []), "-q"]);
    assert.equal(run.status, 0, run.stderr);
    const { bands } = await readPngBands(png);
    assert.deepEqual(
      bands,
      (await readBands(tif)).map((b) => Uint8Array.from(b)),
    );
  }
});

test("the command, terrain and batch carry it; options are validated once", {
  skip: missing("storml_elev_orig.tif"),
}, async () => {
  const dem = sample("storml_elev_orig.tif");
  const own = `${dir}/own.png`;
  const terrain = `${dir}/terrain.png`;
  assert.equal(demgrad(["relief", dem, own, "-q"]).status, 0);
  const both = demgrad(["terrain", dem, "--relief", terrain, "--hillshade", `${dir}/t-shade.png`, "-q"]);
  assert.equal(both.status, 0, both.stderr);
  const batch = demgrad(["batch", dem, "-o", `${dir}/batch`, "--products", "relief", "-q"]);
  assert.equal(batch.status, 0, batch.stderr);
  const first = (await readPngBands(own)).bands;
  assert.deepEqual((await readPngBands(terrain)).bands, first);
  assert.deepEqual((await readPngBands(`${dir}/batch/storml_elev_orig.relief.png`)).bands, first);
  assert.match(
    demgrad(["--help"]).stdout,
    /relief \[options\] <dem> <out>\s+write a shaded relief\s+in\s+colour/,
  );
  const bad = demgrad(["relief", dem, `${dir}/bad.png`, "--hillshade-variant", "soft"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^demgrad: option '--hillshade-variant <name>' argument 'soft' is invalid/);
  await assert.rejects(
    processDem(dem, { relief: `${dir}/bad.png` }, { altitude: 95 }),
    /Expected number greater than 0 and at most 90 for altitude but received 95/,
  );
});
