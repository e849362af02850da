/**
 * The options of every terrain command, validated once at the boundary (library and CLI alike) from the one option
 * schema (src/options/common.ts and each product's own) and resolved into the plain values the pipeline and the
 * kernels use. Kernels never validate.
 */
import { readFileSync, statSync } from "node:fs";
import type { WarningHandler } from "../errors.js";
import { InputError, UsageError, warnToStderr } from "../errors.js";
import { COMMON_OPTIONS, type CommonResolved } from "../options/common.js";
import { type RawOptionsOf, resolveAll } from "../options/schema.js";
import {
  PRODUCT_OPTIONS,
  type Product,
  type ProductsRaw,
  type ProductsResolved,
  productDefinition,
} from "../products/registry.js";
import { fromElevationsAlone } from "../products/types.js";
import { integer } from "../validate.js";

/** Options of library calls that have no command-line flag. */
interface RuntimeOptions {
  /** Rows per strip (default: about one million pixels' worth). Smaller strips use less memory. */
  stripRows?: number | string;
  /** Called after each strip with the rows done and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  warn?: WarningHandler;
}

/**
 * Everything a caller may pass: the common options (`band`, `method`, `edgeOrder`, `north`, `compat`, `edges`,
 * `zFactor`, `spacing`, `xscale`/`yscale`/`scale`, `verticalUnit`, `nodata`, `compress`, `threads`), every
 * product's own options (`unit`, `zeroForFlat`, `trigonometric`, `azimuth`, `altitude`, `variant`, …) and the
 * runtime ones. Numbers may be strings (the CLI passes them through unparsed).
 */
export type ProcessOptions = RawOptionsOf<typeof COMMON_OPTIONS> & ProductsRaw & RuntimeOptions;

/** The validated, resolved form. */
export type ResolvedOptions = CommonResolved &
  ProductsResolved & {
    stripRows: number | undefined;
    onProgress: ((done: number, total: number) => void) | undefined;
    signal: AbortSignal | undefined;
    warn: WarningHandler;
  };

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
  const values = raw as Record<string, unknown>;
  const [compatSpec] = COMMON_OPTIONS.filter((spec) => spec.key === "compat");
  const compat = resolveAll([compatSpec!], values, { compat: false }).compat === "gdaldem";
  if (defined(raw.scale) && (defined(raw.xscale) || defined(raw.yscale)))
    throw new UsageError("--scale cannot be combined with --xscale/--yscale");
  if (defined(raw.xscale) !== defined(raw.yscale))
    throw new UsageError("--xscale and --yscale must be given together");
  const { north, scale, ...common } = resolveAll(COMMON_OPTIONS, values, { compat });
  refuseContradictions(raw, { ...common, compat });
  const products = resolveAll(PRODUCT_OPTIONS, values, {
    compat,
    readText: readOptionFile,
  }) as unknown as ProductsResolved;
  return {
    ...common,
    ...products,
    compat,
    trueNorth: north === "true",
    // gdaldem's border cells are nodata unless -compute_edges.
    edges: compat ? common.computeEdges : common.edges,
    xscale: common.xscale ?? scale,
    yscale: common.yscale ?? scale,
    stripRows: defined(raw.stripRows) ? integer("strip rows", raw.stripRows, { min: 1 }) : undefined,
    onProgress: raw.onProgress,
    signal: raw.signal,
    warn: raw.warn ?? warnToStderr,
  };
}

/**
 * `--no-edges` with the gradient method is refused unless a requested product honours it (one made from the
 * elevations alone: TRI, TPI, roughness): the gradient method always computes border cells.
 */
export function refuseUnusedNoEdges(opts: ResolvedOptions, products: readonly Product[]): void {
  if (opts.edges || opts.compat || opts.method !== "gradient") return;
  if (products.some((p) => fromElevationsAlone(productDefinition(p).needs(opts)))) return;
  throw new UsageError(
    "--no-edges applies to --method horn or zevenbergen-thorne (or to tri, tpi, roughness): the gradient method always computes border cells",
  );
}

/**
 * Says once when a flag that shapes the derivatives is given but no requested product uses them (TRI, TPI and
 * roughness are made from the elevations alone).
 */
export function warnUnusedDerivativeFlags(
  raw: ProcessOptions,
  opts: ResolvedOptions,
  products: readonly Product[],
): void {
  if (products.some((p) => !fromElevationsAlone(productDefinition(p).needs(opts)))) return;
  const unused = [
    defined(raw.zFactor) && opts.zFactor !== 1 ? "-z/--zfactor" : "",
    defined(raw.method) ? "--method" : "",
    defined(raw.spacing) ? "--spacing" : "",
  ].filter(Boolean);
  if (unused.length > 0)
    opts.warn(
      `${unused.join(", ")} not used: ${products.join(", ")} ${products.length > 1 ? "are" : "is"} made from the elevations alone`,
    );
}

/**
 * Flags that contradict each other or would be silently ignored are refused, naming both (checked on what the
 * caller gave, not on defaults).
 */
function refuseContradictions(
  raw: ProcessOptions,
  resolved: Pick<CommonResolved, "compat" | "method" | "spacing">,
): void {
  const gdaldemNorth = resolved.compat
    ? "--compat gdaldem"
    : resolved.spacing === "nominal"
      ? "--spacing nominal"
      : "";
  if (raw.north === "true" && gdaldemNorth) {
    throw new UsageError(
      `--north true contradicts ${gdaldemNorth}: nominal pixel sizes carry no meridian convergence, so aspect is from grid north`,
    );
  }
  if (raw.edges === false && raw.computeEdges === true)
    throw new UsageError("--no-edges contradicts --compute-edges");
  if (defined(raw.edgeOrder) && resolved.method !== "gradient") {
    throw new UsageError(
      `--edge-order applies to --method gradient only, not to --method ${resolved.method}`,
    );
  }
}

/**
 * Refuses a derivative method that a requested product cannot be made with (its `methods`), naming the flag that
 * chose the method (`--method`, or `--compat gdaldem` whose method is horn) and the product.
 *
 * @example
 * ```ts
 * refuseUnsupportedMethods(["curvature"], resolveOptions({ method: "horn" }), { method: "horn" });
 * // throws UsageError: --method horn contradicts curvature: Horn's 3×3 fit has no second derivatives; …
 * ```
 */
export function refuseUnsupportedMethods(
  products: readonly string[],
  resolved: Pick<ResolvedOptions, "method" | "compat">,
  raw: ProcessOptions,
): void {
  for (const name of products) {
    const methods = productDefinition(name).methods;
    if (!methods || methods.only.includes(resolved.method)) continue;
    const flag =
      resolved.compat && !defined(raw.method)
        ? `--compat gdaldem (whose method is ${resolved.method})`
        : `--method ${resolved.method}`;
    throw new UsageError(
      `${flag} contradicts ${name}: ${methods.reason}; use --method ${methods.only.join(" or ")}`,
    );
  }
}

/** Larger than any colour table: a bigger file is not one (and is not read into memory). */
const MAX_OPTION_FILE_BYTES = 16 * 1024 * 1024;

/** The text of a file an option names (a colour table), or an `InputError` naming it. */
function readOptionFile(path: string): string {
  try {
    if (statSync(path).size > MAX_OPTION_FILE_BYTES) {
      throw new InputError(`larger than ${MAX_OPTION_FILE_BYTES / 1024 / 1024} MiB: not a colour table`, {
        file: path,
      });
    }
    return readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException)?.code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a folder, not a file"
            : `cannot read: ${(error as Error)?.message ?? error}`;
    throw new InputError(reason, { file: path, cause: error });
  }
}
