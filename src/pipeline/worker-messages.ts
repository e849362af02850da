/**
 * The messages between the strip pool (strip-pool.ts, main thread) and its worker threads (strip-worker.ts), in one
 * place both import. An error crosses as data (class, code, file, message) so the caller gets the same
 * `DemgradError` a one-thread run throws.
 */
import type { ErrorData } from "../errors.js";
import type { ProductRows, StripJob } from "./strip-products.js";

/** Messages to a strip worker. */
export type ToWorker = { kind: "strip"; id: number; job: StripJob } | { kind: "recycle"; rows: ProductRows };
/** Its answers. */
export type FromWorker =
  | { id: number; rows: ProductRows; data: Float64Array }
  | { id: number; error: ErrorData };
