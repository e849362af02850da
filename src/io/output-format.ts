/** Which writer an output path asks for, from its extension. */
import { extname } from "node:path";
import { UsageError } from "../errors.js";

/** The output formats demgrad writes. */
export type OutputFormat = "geotiff" | "png";

/**
 * The output format from the file extension (case-insensitive): `.tif`/`.tiff` → GeoTIFF, `.png` → PNG;
 * anything else is a `UsageError`.
 *
 * @example
 * ```ts
 * outputFormat("out/Slope.TIF"); // "geotiff"
 * outputFormat("shade.png");     // "png"
 * outputFormat("shade.jpg");     // throws UsageError: unknown output extension .jpg: use .tif or .png
 * ```
 */
export function outputFormat(path: string): OutputFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".tif" || extension === ".tiff") return "geotiff";
  if (extension === ".png") return "png";
  throw new UsageError(`unknown output extension ${extension || "(none)"}: use .tif or .png`, { file: path });
}
