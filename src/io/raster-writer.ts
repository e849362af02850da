/**
 * Writing a raster whatever its format: the writer contract (writer-contract.ts) and the choice of writer from the
 * output name. The PNG writer (and sharp) load only when a PNG is asked for.
 */
import { createGeoTiffWriter } from "./geotiff-writer.js";
import { outputFormat } from "./output-format.js";
import type { RasterWriter, RasterWriterOptions } from "./writer-contract.js";

export { outputFormat } from "./output-format.js";
export type {
  Compression,
  OutputSampleType,
  RasterWriter,
  RasterWriterOptions,
} from "./writer-contract.js";

/**
 * A GeoTIFF or PNG writer chosen by the extension (`outputFormat`). The PNG writer (and sharp) load only when
 * a PNG is asked for.
 *
 * @example
 * ```ts
 * const writer = await createRasterWriter("shade.png", { width, height, sampleType: "Byte", nodata: 0, georef });
 * ```
 */
export async function createRasterWriter(path: string, options: RasterWriterOptions): Promise<RasterWriter> {
  if (outputFormat(path) === "png") {
    const { createPngWriter } = await import("./png-writer.js");
    return createPngWriter(path, options);
  }
  return createGeoTiffWriter(path, options);
}
