/**
 * Hillshade PNGs for people and web maps (DESIGN §7): 8-bit grey, plus alpha where nodata exists; a world file
 * (`.pgw`) and a `.png.aux.xml` with the CRS so GDAL and QGIS place the image. sharp needs the whole image at once,
 * so the writer collects rows (1 byte per pixel) and encodes on `finish`; all three files appear atomically.
 */
import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import sharp from "sharp";
import { AbortError, OutputError, UsageError } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { commitAll, discardAll, outputError, temporaryName } from "./atomic.js";
import type { RasterWriter, RasterWriterOptions } from "./geotiff-writer.js";

/** sharp (libvips/libspng) refuses larger PNG dimensions. */
const PNG_MAX_DIMENSION = 0x3fff_ffff;

/** The ESRI world file: pixel size, rotation and the centre of the upper-left pixel. */
export function worldFile(gt: NonNullable<Georef["geoTransform"]>): string {
  const x = gt[0] + 0.5 * gt[1] + 0.5 * gt[2];
  const y = gt[3] + 0.5 * gt[4] + 0.5 * gt[5];
  return (
    [gt[1], gt[4], gt[2], gt[5], x, y].map((v) => v.toPrecision(17).replace(/\.?0+$/, "")).join("\n") + "\n"
  );
}

/** GDAL's PAM sidecar naming the CRS (any user input GDAL understands: EPSG:n or a proj4 string). */
export function auxXml(georef: Georef): string | undefined {
  const srs = georef.crs.epsg ? `EPSG:${georef.crs.epsg}` : georef.crs.proj4;
  if (!srs) return undefined;
  const escaped = srs.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping="1,2">${escaped}</SRS>\n</PAMDataset>\n`;
}

/**
 * Opens a PNG writer (single band, Byte values).
 *
 * @example
 * ```ts
 * const writer = await createPngWriter("shade.png", { width, height, sampleType: "Byte", nodata: 0, georef });
 * await writer.writeRows([shadeBytes], height);
 * await writer.finish(); // shade.png, shade.pgw, shade.png.aux.xml
 * ```
 */
export async function createPngWriter(path: string, options: RasterWriterOptions): Promise<RasterWriter> {
  const { width, height, nodata, georef, signal } = options;
  if ((options.bands ?? 1) !== 1) throw new UsageError("PNG output holds one band: use .tif", { file: path });
  if (width > PNG_MAX_DIMENSION || height > PNG_MAX_DIMENSION || width * height > 2 ** 31) {
    throw new OutputError(`${width}×${height} is too large for PNG: write a .tif instead`, { file: path });
  }
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw outputError(path, error);
  }
  let grey: Uint8Array;
  try {
    grey = new Uint8Array(width * height);
  } catch {
    throw new OutputError(`not enough memory for a ${width}×${height} PNG: write a .tif instead`, {
      file: path,
    });
  }
  let rows = 0;
  let hasNodata = false;
  const temporaries: string[] = [];
  let done = false;

  return {
    async writeRows([band], rowCount) {
      if (signal?.aborted) throw new AbortError();
      const src = band!;
      const start = rows * width;
      for (let i = 0; i < rowCount * width; i++) {
        const v = src[i]!;
        if (v === nodata) hasNodata = true;
        grey[start + i] = v;
      }
      rows += rowCount;
    },
    async finish() {
      if (done) return;
      try {
        if (rows !== height) throw new Error(`only ${rows} of ${height} rows were written`);
        const png = temporaryName(path);
        temporaries.push(png);
        let image: ReturnType<typeof sharp>;
        if (hasNodata) {
          const pixels = Buffer.alloc(width * height * 2);
          for (let i = 0; i < grey.length; i++) {
            pixels[2 * i] = grey[i]!;
            pixels[2 * i + 1] = grey[i] === nodata ? 0 : 255;
          }
          image = sharp(pixels, {
            raw: { width, height, channels: 2 },
            limitInputPixels: false,
          }).toColourspace("b-w");
        } else {
          image = sharp(grey, { raw: { width, height, channels: 1 }, limitInputPixels: false }).toColourspace(
            "b-w",
          );
        }
        await image.png({ compressionLevel: 6 }).toFile(png);
        const pairs: Array<[string, string]> = [[png, path]];
        const gt = georef?.geoTransform;
        if (georef && gt) {
          const world = temporaryName(path.replace(/\.png$/i, ".pgw"));
          temporaries.push(world);
          await writeFile(world, worldFile(gt));
          pairs.push([world, path.replace(/\.png$/i, ".pgw")]);
          const xml = auxXml(georef);
          if (xml) {
            const aux = temporaryName(`${path}.aux.xml`);
            temporaries.push(aux);
            await writeFile(aux, xml);
            pairs.push([aux, `${path}.aux.xml`]);
          }
        }
        // Sidecars first, so a PNG never appears without its georeferencing.
        await commitAll(pairs.reverse());
        done = true;
      } catch (error) {
        await discardAll(temporaries);
        done = true;
        throw error instanceof OutputError ? error : outputError(path, error);
      }
    },
    async abort() {
      done = true;
      await discardAll(temporaries);
    },
  };
}

/**
 * Writes a whole Byte raster as a georeferenced PNG.
 *
 * @example
 * ```ts
 * import { hillshade, readDem, terrainGradient, writePng } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const shade = hillshade(terrainGradient(dem));
 * await writePng("shade.png", { width: dem.width, height: dem.height, data: shade }, { like: dem.georef, nodata: 0 });
 * ```
 */
export async function writePng(
  path: string,
  raster: { width: number; height: number; data: ArrayLike<number> },
  options: { like?: Georef; nodata?: number } = {},
): Promise<void> {
  const writer = await createPngWriter(path, {
    width: raster.width,
    height: raster.height,
    sampleType: "Byte",
    georef: options.like,
    nodata: options.nodata,
  });
  await writer.writeRows([raster.data], raster.height);
  await writer.finish();
}
