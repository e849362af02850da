/**
 * The options every terrain command shares (DESIGN §5 "common"), in the schema of ./schema.ts. Product options
 * live with their products (src/products/).
 */
import { availableParallelism } from "node:os";
import { defineOptions, type ResolvedOf } from "./schema.js";

export const COMMON_OPTIONS = defineOptions([
  {
    key: "band",
    type: "integer",
    flags: "-b, --band <n>",
    help: "band of the DEM to read (1-based)",
    default: 1,
    cliDefault: "1",
    range: { min: 1 },
  },
  {
    key: "method",
    type: "choice",
    flags: "--method <name>",
    help:
      "derivative method; default gradient: numpy.gradient's central differences in ground metres (1–5 % steeper " +
      "on average than horn's smoothing 3×3 fit on real DEMs: docs/algorithms.md); horn is gdaldem's",
    choices: ["gradient", "horn", "zevenbergen-thorne"],
    default: ({ compat }) => (compat ? "horn" : "gradient"),
  },
  {
    key: "edgeOrder",
    type: "choice",
    flags: "--edge-order <n>",
    help: "gradient method: 1st or 2nd order differences at borders and holes",
    choices: ["1", "2"],
    numeric: true,
    default: "1",
    label: "edge order",
  },
  {
    key: "north",
    type: "choice",
    flags: "--north <ref>",
    help: "aspect relative to true north (compass) or to the grid's +y axis",
    choices: ["true", "grid"],
    default: ({ compat }) => (compat ? "grid" : "true"),
  },
  {
    key: "compat",
    type: "choice",
    flags: "--compat <tool>",
    help: "reproduce gdaldem (measured: slope identical, aspect within 3.1e-5°, hillshade ±1 grey level): horn, nominal spacing, grid north, no edges",
    choices: ["gdaldem", "none"],
    cliChoices: ["gdaldem"],
    default: "none",
  },
  {
    key: "edges",
    type: "boolean",
    flags: "--no-edges",
    help: "horn/zevenbergen-thorne, tri/tpi/roughness: leave border cells nodata (classic gdaldem)",
    default: true,
  },
  {
    key: "computeEdges",
    type: "boolean",
    flags: "--compute-edges",
    help: "with --compat gdaldem: compute border cells too, as gdaldem's -compute_edges (without --compat they always are)",
    default: false,
  },
  {
    key: "zFactor",
    type: "number",
    flags: "-z, --zfactor <n>",
    help: "multiply elevations before the derivatives (every product made from derivatives)",
    default: 1,
    range: { min: 0, exclusiveMin: true },
  },
  {
    key: "spacing",
    type: "choice",
    flags: "--spacing <mode>",
    help: "pixel size: true ground metres, or gdaldem's nominal size",
    choices: ["ground", "nominal"],
    default: ({ compat }) => (compat ? "nominal" : "ground"),
  },
  {
    key: "xscale",
    type: "number",
    flags: "--xscale <n>",
    help: "vertical units per horizontal unit along x (with --yscale; overrides --spacing)",
    range: { min: 0, exclusiveMin: true },
  },
  {
    key: "yscale",
    type: "number",
    flags: "--yscale <n>",
    help: "vertical units per horizontal unit along y (with --xscale)",
    range: { min: 0, exclusiveMin: true },
  },
  {
    key: "scale",
    type: "number",
    flags: "-s, --scale <n>",
    help: "one scale for x and y, like gdaldem -s (111120 for degrees with metres)",
    range: { min: 0, exclusiveMin: true },
  },
  {
    key: "verticalUnit",
    type: "choice",
    flags: "--vertical-unit <unit>",
    help: "elevation unit, overriding the file's",
    choices: ["m", "ft", "us-ft"],
    label: "vertical unit",
  },
  {
    key: "nodata",
    type: "nodata",
    flags: "--nodata <value>",
    help: "input nodata value, overriding the file's (a number or nan)",
  },
  {
    key: "compress",
    type: "choice",
    flags: "--compress <codec>",
    help: "GeoTIFF output compression",
    choices: ["deflate", "lzw", "none"],
    default: "deflate",
    cliDefault: "deflate",
  },
  {
    key: "layout",
    type: "choice",
    flags: "--layout <layout>",
    help: "GeoTIFF layout: cog (Cloud Optimized, internal overviews) or plain (directory last, no overviews: the fastest write)",
    choices: ["cog", "plain"],
    default: "cog",
  },
  {
    key: "overviews",
    type: "boolean",
    flags: "--no-overviews",
    help: "COG without internal overviews",
    default: true,
  },
  {
    key: "overviewLevels",
    type: "count-or-auto",
    flags: "--overview-levels <n>",
    help: "COG overview levels: a number, or auto (halve until the largest side is at most 512 px)",
    default: "auto",
  },
  {
    key: "threads",
    type: "integer",
    flags: "--threads <n>",
    help:
      "threads computing strips (default: cores − 1, at most libuv's threadpool size, 4 unless UV_THREADPOOL_SIZE " +
      "says otherwise: decoding and DEFLATE run on that pool, so more strip threads would only wait for it)",
    default: () => defaultThreads(availableParallelism(), process.env["UV_THREADPOOL_SIZE"]),
    range: { min: 1, max: 256 },
  },
]);

/**
 * The common options as the products and the pipeline read them: `compat` and `north` resolved to booleans
 * (`compat` true for `--compat gdaldem`, `trueNorth` false for `--north grid`), `scale` folded into
 * `xscale`/`yscale`.
 */
export type CommonResolved = Omit<ResolvedOf<typeof COMMON_OPTIONS>, "compat" | "north" | "scale"> & {
  compat: boolean;
  trueNorth: boolean;
};

/**
 * The default `--threads`: one core is left to the reading, writing and compression that this thread drives, and
 * strip threads beyond libuv's threadpool (which decodes and DEFLATEs every block; 4 threads unless
 * UV_THREADPOOL_SIZE is set) would only wait for it. 1 on a 2-core machine, where that measured fastest
 * (docs/performance.md, "Threads").
 *
 * @example
 * ```ts
 * defaultThreads(2, undefined); // 1
 * defaultThreads(16, undefined); // 4
 * defaultThreads(16, "12"); // 12
 * ```
 */
export function defaultThreads(cores: number, threadpoolSize: string | undefined): number {
  const pool = Number(threadpoolSize);
  return Math.max(1, Math.min(cores - 1, Number.isInteger(pool) && pool > 0 ? pool : 4));
}
