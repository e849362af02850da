// Every product × method × a range of options on committed real DEMs, hashed: the record that the product
// registry refactor changed no output byte. `node test/refactor/outputs.js --write` records the checksums
// (test/refactor/checksums.json) from the code before the refactor; refactor.test.js asserts them after. This is a
// test of one refactor, not a permanent golden: an intended change of output removes it.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { processDem } from "../../dist/index.js";
import { sample } from "../helpers/samples.js";

export const SAMPLES = ["storml_elev_orig.tif", "dtm.tif", "dem-hills.tiff", "inldata_dem.tif"];

export const VARIANTS = {
  default: {},
  horn: { method: "horn" },
  "zevenbergen-thorne, no edges": { method: "zevenbergen-thorne", edges: false },
  "edge order 2": { edgeOrder: 2 },
  "compat gdaldem": { compat: "gdaldem" },
  "north grid, percent, zero-for-flat, trigonometric": {
    north: "grid",
    unit: "percent",
    zeroForFlat: true,
    trigonometric: true,
  },
  "compat gdaldem, zero-for-flat": { compat: "gdaldem", zeroForFlat: true },
  "combined, azimuth 200, altitude 30, z 2": { variant: "combined", azimuth: 200, altitude: 30, zFactor: 2 },
  multidirectional: { variant: "multidirectional" },
  "igor, compat gdaldem": { variant: "igor", compat: "gdaldem" },
  "nominal spacing, lzw": { spacing: "nominal", compress: "lzw" },
  "explicit scale, no compression": { scale: 2, compress: "none" },
  "vertical unit ft, nodata 0": { verticalUnit: "ft", nodata: 0 },
  "3 threads, strips of 7 rows": { threads: 3, stripRows: 7 },
};

const OUTPUTS = {
  slope: "slope.tif",
  aspect: "aspect.tif",
  gradient: "gradient.tif",
  hillshade: "hillshade.png",
};

/** { "<sample> | <variant> | <file>": sha256 } for every combination (hillshade also as a GeoTIFF). */
export async function outputChecksums() {
  const dir = mkdtempSync(`${tmpdir()}/demgrad-refactor-`);
  const sums = {};
  try {
    for (const file of SAMPLES) {
      for (const [name, options] of Object.entries(VARIANTS)) {
        // gdaldem needs a scale for degrees; demgrad's compat mode takes the same.
        const extra = options.compat && file === "dem-hills.tiff" ? { scale: 111120 } : {};
        // Hillshade as a Byte GeoTIFF too, for the variants that shade differently.
        const tif = ["default", "compat gdaldem", "combined, azimuth 200, altitude 30, z 2"].includes(name);
        for (const hillshadeFile of tif ? ["hillshade.png", "hillshade.tif"] : ["hillshade.png"]) {
          const outputs = {};
          for (const [product, out] of Object.entries({ ...OUTPUTS, hillshade: hillshadeFile }))
            outputs[product] = `${dir}/${out}`;
          await processDem(sample(file), outputs, { warn: () => {}, ...options, ...extra });
          for (const [product, path] of Object.entries(outputs)) {
            if (hillshadeFile === "hillshade.tif" && product !== "hillshade") continue;
            const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
            sums[`${file} | ${name} | ${path.slice(dir.length + 1)}`] = hash;
            if (path.endsWith(".png")) {
              for (const side of [".pgw", ".png.aux.xml"]) {
                const sidecar = path.replace(/\.png$/, side);
                sums[`${file} | ${name} | ${sidecar.slice(dir.length + 1)}`] = createHash("sha256")
                  .update(readFileSync(sidecar))
                  .digest("hex");
              }
            }
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sums;
}

if (process.argv[2] === "--write") {
  const sums = await outputChecksums();
  writeFileSync(new URL("./checksums.json", import.meta.url), `${JSON.stringify(sums, null, 1)}\n`);
  console.log(`${Object.keys(sums).length} checksums written`);
}
