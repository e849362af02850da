/**
 * The options of every terrain command, validated once at the boundary (library and CLI alike) and resolved
 * into the plain values the pipeline and the kernels use.
 */
import { availableParallelism } from "node:os";
import type { WarningHandler } from "../errors.js";
import { UsageError, warnToStderr } from "../errors.js";
import type { Method } from "../terrain/types.js";
import { boolean, integer, number, oneOf } from "../validate.js";

/** Everything a caller may pass; strings are accepted for numbers (the CLI passes them through unparsed). */
export interface ProcessOptions {
  /** 1-based band index (default 1). */
  band?: number | string;
  method?: Method;
  edgeOrder?: 1 | 2 | string;
  /** Aspect relative to true north (default) or to the grid's +y axis. */
  north?: "true" | "grid";
  /** `"gdaldem"`: horn, nominal spacing, grid north, no edges — output equals gdaldem's. */
  compat?: "gdaldem" | "none";
  /** horn / zevenbergen-thorne: compute the border cells (default true). */
  edges?: boolean;
  zFactor?: number | string;
  spacing?: "ground" | "nominal";
  xscale?: number | string;
  yscale?: number | string;
  scale?: number | string;
  verticalUnit?: "m" | "ft" | "us-ft";
  nodata?: number | string;
  compress?: "deflate" | "lzw" | "none";
  /**
   * Threads computing strips, the calling thread included (default: one less than the number of cores, at least
   * 1: decoding and DEFLATE run on libuv's threadpool, which needs a core of its own).
   */
  threads?: number | string;
  /** Rows per strip (default: about one million pixels' worth). Smaller strips use less memory. */
  stripRows?: number | string;
  /** slope */
  unit?: "degree" | "percent";
  /** aspect */
  zeroForFlat?: boolean;
  trigonometric?: boolean;
  /** hillshade */
  azimuth?: number | string;
  altitude?: number | string;
  variant?: "regular" | "combined" | "multidirectional" | "igor";
  /** Called after each strip with the rows done and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  warn?: WarningHandler;
}

/** The validated, resolved form. */
export interface ResolvedOptions {
  band: number;
  method: Method;
  edgeOrder: 1 | 2;
  trueNorth: boolean;
  compat: boolean;
  edges: boolean;
  zFactor: number;
  spacing: "ground" | "nominal";
  xscale: number | undefined;
  yscale: number | undefined;
  verticalUnit: "m" | "ft" | "us-ft" | undefined;
  nodata: number | undefined;
  compress: "deflate" | "lzw" | "none";
  threads: number;
  stripRows: number | undefined;
  unit: "degree" | "percent";
  zeroForFlat: boolean;
  trigonometric: boolean;
  azimuth: number;
  altitude: number;
  variant: "regular" | "combined" | "multidirectional" | "igor";
  onProgress: ((done: number, total: number) => void) | undefined;
  signal: AbortSignal | undefined;
  warn: WarningHandler;
}

const defined = (v: unknown) => v !== undefined && v !== null;

/**
 * Validates raw options and resolves defaults and `compat: "gdaldem"`.
 *
 * @example
 * ```ts
 * const o = resolveOptions({ altitude: "30", compat: "gdaldem" });
 * // o.method === "horn", o.spacing === "nominal", o.trueNorth === false, o.edges === false
 * ```
 */
export function resolveOptions(raw: ProcessOptions = {}): ResolvedOptions {
  const compat = oneOf("compat", raw.compat ?? "none", ["gdaldem", "none"]) === "gdaldem";
  const hasScale = defined(raw.scale);
  const hasX = defined(raw.xscale);
  const hasY = defined(raw.yscale);
  if (hasScale && (hasX || hasY)) throw new UsageError("--scale cannot be combined with --xscale/--yscale");
  if (hasX !== hasY) throw new UsageError("--xscale and --yscale must be given together");
  const scale = hasScale ? number("scale", raw.scale, { min: 0, exclusiveMin: true }) : undefined;
  const xscale = hasX ? number("xscale", raw.xscale, { min: 0, exclusiveMin: true }) : scale;
  const yscale = hasY ? number("yscale", raw.yscale, { min: 0, exclusiveMin: true }) : scale;
  return {
    band: integer("band", raw.band ?? 1, { min: 1 }),
    method: oneOf("method", raw.method ?? (compat ? "horn" : "gradient"), [
      "gradient",
      "horn",
      "zevenbergen-thorne",
    ]),
    edgeOrder: Number(oneOf("edge order", String(raw.edgeOrder ?? 1), ["1", "2"])) as 1 | 2,
    trueNorth: oneOf("north", raw.north ?? (compat ? "grid" : "true"), ["true", "grid"]) === "true",
    compat,
    edges: compat ? false : boolean("edges", raw.edges ?? true),
    zFactor: number("z-factor", raw.zFactor ?? 1, { min: 0, exclusiveMin: true }),
    spacing: oneOf("spacing", raw.spacing ?? (compat ? "nominal" : "ground"), ["ground", "nominal"]),
    xscale,
    yscale,
    verticalUnit: defined(raw.verticalUnit)
      ? oneOf("vertical unit", raw.verticalUnit, ["m", "ft", "us-ft"])
      : undefined,
    nodata: defined(raw.nodata) ? nodataValue(raw.nodata) : undefined,
    compress: oneOf("compress", raw.compress ?? "deflate", ["deflate", "lzw", "none"]),
    threads: integer("threads", raw.threads ?? Math.max(1, availableParallelism() - 1), { min: 1, max: 256 }),
    stripRows: defined(raw.stripRows) ? integer("strip rows", raw.stripRows, { min: 1 }) : undefined,
    unit: oneOf("unit", raw.unit ?? "degree", ["degree", "percent"]),
    zeroForFlat: boolean("zero-for-flat", raw.zeroForFlat ?? false),
    trigonometric: boolean("trigonometric", raw.trigonometric ?? false),
    azimuth: number("azimuth", raw.azimuth ?? 315),
    // The light must be above the horizon: gdaldem rejects 0, and the kernels check the same bound.
    altitude: number("altitude", raw.altitude ?? 45, { min: 0, max: 90, exclusiveMin: true }),
    variant: oneOf("variant", raw.variant ?? "regular", ["regular", "combined", "multidirectional", "igor"]),
    onProgress: raw.onProgress,
    signal: raw.signal,
    warn: raw.warn ?? warnToStderr,
  };
}

/** `--nodata` accepts any number and `nan`. */
function nodataValue(value: unknown): number {
  if (typeof value === "string" && value.trim().toLowerCase() === "nan") return Number.NaN;
  if (typeof value === "number" && Number.isNaN(value)) return value;
  return number("nodata", value);
}
