// `npm run gallery`: renders every product in the registry on the bundled sample (samples/alps-utm32.tif) with
// demgrad itself, into docs/images/gallery/, and writes docs/gallery.md. Float products are coloured with a legend;
// Byte products are shown as written. A product added to the registry appears here without editing this script
// (with a ramp chosen from its values); VARIANTS adds pictures of notable options.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { fromFile } from "geotiff";
import { processDem } from "../dist/index.js";
import { resolveOptions } from "../dist/pipeline/options.js";
import { PRODUCT_NAMES, productDefinition } from "../dist/products/registry.js";
import { COMPASS_TICKS, colourise, quantile, RAMPS, savePicture, ticksBetween } from "../samples/pictures.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dem = `${root}samples/alps-utm32.tif`;
const images = `${root}docs/images/gallery/`;
mkdirSync(images, { recursive: true });
const scratch = mkdtempSync(`${tmpdir()}/demgrad-gallery-`);

/** Pictures beyond each product's defaults: [label, options, CLI flags]. */
const VARIANTS = {
  hillshade: [
    ["multidirectional", { variant: "multidirectional" }, "--variant multidirectional"],
    ["combined", { variant: "combined" }, "--variant combined"],
    ["igor", { variant: "igor" }, "--variant igor"],
  ],
  tri: [["Wilson", { triMethod: "wilson" }, "--tri-method wilson"]],
  northness: [["weighted", { weighted: true }, "--weighted"]],
  eastness: [["weighted", { weighted: true }, "--weighted"]],
  curvature: [["types", { curvatureType: ["plan", "mean", "gaussian"] }, "--type plan,mean,gaussian"]],
  "color-relief": [
    ["hypsometric", { ramp: "hypsometric" }, "--ramp hypsometric"],
    ["grey", { ramp: "grey" }, "--ramp grey"],
  ],
  relief: [
    [
      "hypsometric, multidirectional",
      { ramp: "hypsometric", hillshadeVariant: "multidirectional" },
      "--ramp hypsometric --hillshade-variant multidirectional",
    ],
  ],
};

/** How a float band is coloured: a fixed range where the measure has one, else from its values. */
function styleOf(product, values) {
  const fixed = {
    slope: { ramp: RAMPS.slope, min: 0, max: 60, format: (v) => `${v.toFixed(0)}°` },
    aspect: {
      ramp: RAMPS.compass,
      min: 0,
      max: 360,
      ticks: COMPASS_TICKS,
    },
    northness: { ramp: RAMPS.diverging, min: -1, max: 1, format: (v) => v.toFixed(1) },
    eastness: { ramp: RAMPS.diverging, min: -1, max: 1, format: (v) => v.toFixed(1) },
  }[product];
  if (fixed) return fixed;
  const low = quantile(values, 0.02);
  const high = quantile(values, 0.98);
  const format = (v) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(2));
  if (low < 0 && high > 0) {
    const m = Math.max(-low, high);
    return { ramp: RAMPS.diverging, min: -m, max: m, format };
  }
  return { ramp: RAMPS.sequential, min: Math.min(0, low), max: high, format };
}

async function readBands(path) {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    return {
      bands: Array.from(await image.readRasters()),
      width: image.getWidth(),
      height: image.getHeight(),
    };
  } finally {
    tiff.close?.();
  }
}

/** One picture per band (float products) or one of the image (Byte products). */
async function render(product, label, options, flags) {
  const definition = productDefinition(product);
  const spec = definition.output(resolveOptions(options));
  const file = `${scratch}/${product}-${label}.tif`;
  await processDem(dem, { [product]: file }, { ...options, warn: () => {} });
  const { bands, width, height } = await readBands(file);
  const stem = `${product}${label === "default" ? "" : `-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`}`;
  const command = `demgrad ${product} samples/alps-utm32.tif ${product}.tif${flags ? ` ${flags}` : ""}`;
  const pictures = [];
  if (spec.sampleType === "Byte") {
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const alpha = bands.length === 4 || bands.length === 2 ? bands[bands.length - 1][i] / 255 : 1;
      for (let k = 0; k < 3; k++) {
        const v = bands.length >= 3 ? bands[k][i] : bands[0][i];
        rgb[3 * i + k] = Math.round(v * alpha + 255 * (1 - alpha));
      }
    }
    const title = `${product}${label === "default" ? "" : ` (${label})`}`;
    pictures.push(await savePicture(`${images}${stem}.png`, rgb, width, height, { title }));
  } else {
    for (let b = 0; b < bands.length; b++) {
      const values = Float64Array.from(bands[b], (v) => (v === spec.nodata ? Number.NaN : v));
      const description = spec.bandDescriptions[b] ?? product;
      const style = styleOf(product, values);
      const rgb = colourise(values, style);
      const unit = spec.units?.[b] ? ` (${spec.units[b]})` : "";
      const suffix = bands.length > 1 ? `-${b + 1}` : "";
      const ticks = style.ticks ?? ticksBetween(style.min, style.max, 5, style.format);
      pictures.push(
        await savePicture(`${images}${stem}${suffix}.png`, rgb, width, height, {
          title: `${description}${unit}${label === "default" ? "" : `, ${label}`}`,
          ramp: style.ramp,
          ticks,
        }),
      );
    }
  }
  return { pictures, command };
}

const sections = [];
try {
  for (const product of PRODUCT_NAMES) {
    const definition = productDefinition(product);
    const runs = [["default", {}, ""], ...(VARIANTS[product] ?? [])];
    const rendered = [];
    for (const [label, options, flags] of runs) rendered.push(await render(product, label, options, flags));
    const about = definition.description.replace(/^write /, "");
    const lines = [`## ${product}`, "", `${about[0].toUpperCase()}${about.slice(1)}.`, ""];
    for (const { pictures, command } of rendered) {
      lines.push("```sh", command, "```", "");
      lines.push(
        pictures.map((p) => `![${product}](images/gallery/${p.slice(images.length)})`).join(" "),
        "",
      );
    }
    sections.push(lines.join("\n"));
    console.log(`${product}: ${rendered.flatMap((r) => r.pictures).length} picture(s)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

writeFileSync(
  `${root}docs/gallery.md`,
  `# Gallery

Every product of demgrad on the bundled sample \`samples/alps-utm32.tif\` (a synthetic 480 × 400 DEM on a 25 m UTM
grid), made with the default options unless the command says otherwise. Float products are coloured with a legend
(their files hold the values, not colours); Byte products are shown as written. \`npm run gallery\` remakes this
page and its pictures from the product registry.

${sections.join("\n")}`,
);
console.log("wrote docs/gallery.md");
