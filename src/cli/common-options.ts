/** The options every terrain command shares, defined once (rasterio's lesson) and mapped to library options. */
import { Option } from "@commander-js/extra-typings";
import type { ProcessOptions } from "../pipeline/options.js";

/** Options as commander hands them over: raw strings, validated later by `resolveOptions`. */
export type RawOptions = Record<string, string | boolean | undefined>;

const COMMON: Option[] = [
  new Option("-b, --band <n>", "band of the DEM to read (1-based)").default("1"),
  new Option("--method <name>", "derivative method").choices(["gradient", "horn", "zevenbergen-thorne"]),
  new Option(
    "--edge-order <n>",
    "gradient method: 1st or 2nd order differences at borders and holes",
  ).choices(["1", "2"]),
  new Option("--north <ref>", "aspect relative to true north (compass) or to the grid's +y axis").choices([
    "true",
    "grid",
  ]),
  new Option(
    "--compat <tool>",
    "reproduce gdaldem (measured: slope identical, aspect within 3.1e-5°, hillshade ±1 grey level): horn, nominal spacing, grid north, no edges",
  ).choices(["gdaldem"]),
  new Option("--no-edges", "horn/zevenbergen-thorne: leave border cells nodata (classic gdaldem)"),
  new Option("-z, --zfactor <n>", "multiply elevations before the derivatives (every product)"),
  new Option("--spacing <mode>", "pixel size: true ground metres, or gdaldem's nominal size").choices([
    "ground",
    "nominal",
  ]),
  new Option(
    "--xscale <n>",
    "vertical units per horizontal unit along x (with --yscale; overrides --spacing)",
  ),
  new Option("--yscale <n>", "vertical units per horizontal unit along y (with --xscale)"),
  new Option("-s, --scale <n>", "one scale for x and y, like gdaldem -s (111120 for degrees with metres)"),
  new Option("--vertical-unit <unit>", "elevation unit, overriding the file's").choices(["m", "ft", "us-ft"]),
  new Option("--nodata <value>", "input nodata value, overriding the file's (a number or nan)"),
  new Option("--compress <codec>", "GeoTIFF output compression")
    .choices(["deflate", "lzw", "none"])
    .default("deflate"),
  new Option(
    "--threads <n>",
    "threads computing strips (default: cores − 1, leaving one for decoding and compression)",
  ),
  new Option("-q, --quiet", "no progress bar"),
];

/** Product options, defined once and used by the product's own command and by `terrain`. */
export const productOptions = {
  slope: () => [new Option("--unit <unit>", "slope in degree or percent").choices(["degree", "percent"])],
  aspect: () => [
    new Option("--zero-for-flat", "aspect: flat cells get 0 instead of nodata"),
    new Option("--trigonometric", "aspect: counter-clockwise angle from east instead of a compass bearing"),
  ],
  hillshade: () => [
    new Option("--azimuth <deg>", "hillshade: direction of the light, clockwise from north (default 315)"),
    new Option(
      "--altitude <deg>",
      "hillshade: height of the light above the horizon, greater than 0 and at most 90 (default 45)",
    ),
    new Option("--variant <name>", "hillshade variant").choices([
      "regular",
      "combined",
      "multidirectional",
      "igor",
    ]),
  ],
};

/** Adds options to a command. */
export function withOptions<C extends { addOption(option: never): unknown }>(
  command: C,
  options: Option[],
): C {
  for (const option of options) command.addOption(option as never);
  return command;
}

/** Adds the shared options to a command. */
export function withCommonOptions<C extends { addOption(option: never): unknown }>(command: C): C {
  for (const option of COMMON) command.addOption(option as never);
  return command;
}

/** Maps commander's raw option values onto the library's option names (validation happens there). */
export function toProcessOptions(raw: RawOptions): ProcessOptions {
  const str = (name: string) => (typeof raw[name] === "string" ? (raw[name] as string) : undefined);
  return {
    band: str("band"),
    method: str("method") as ProcessOptions["method"],
    edgeOrder: str("edgeOrder"),
    north: str("north") as ProcessOptions["north"],
    compat: str("compat") as ProcessOptions["compat"],
    edges: raw["edges"] === false ? false : undefined,
    zFactor: str("zfactor"),
    spacing: str("spacing") as ProcessOptions["spacing"],
    xscale: str("xscale"),
    yscale: str("yscale"),
    scale: str("scale"),
    verticalUnit: str("verticalUnit") as ProcessOptions["verticalUnit"],
    nodata: str("nodata"),
    compress: str("compress") as ProcessOptions["compress"],
    threads: str("threads"),
    unit: str("unit") as ProcessOptions["unit"],
    zeroForFlat: raw["zeroForFlat"] === true,
    trigonometric: raw["trigonometric"] === true,
    azimuth: str("azimuth"),
    altitude: str("altitude"),
    variant: str("variant") as ProcessOptions["variant"],
  };
}
