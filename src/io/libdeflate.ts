/**
 * The optional native binding to the system libdeflate (native/deflate, built by `npm run build` where
 * libdeflate-dev is installed). It compresses DEFLATE 2–3× faster than node:zlib at the same size; where it cannot
 * be loaded, node:zlib does the work and files keep the same format. Loaded on first use, not at start-up.
 *
 * `DEMGRAD_DEFLATE=zlib` forces the node:zlib path (for tests, and to compare the two).
 */
import { createRequire } from "node:module";

/** Which library compresses and inflates DEFLATE: the native libdeflate binding, or node:zlib. */
export type DeflateBackend = "libdeflate" | "zlib";

/** The addon's functions (native/deflate/deflate.c); both run on libuv's threadpool. */
export interface LibdeflateBinding {
  /** zlib-format DEFLATE of `data` at libdeflate's `level` (0–12). */
  compress(data: Uint8Array, level: number): Promise<Uint8Array>;
  /** The inflated zlib stream if it is at most `size` bytes; −1 if the data are corrupt, −2 if longer. */
  decompress(data: Uint8Array, size: number): Promise<Uint8Array | -1 | -2>;
}

const ADDON = "../../native/deflate/build/Release/demgrad_deflate.node";

let loaded: { binding?: LibdeflateBinding; reason?: string } | undefined;

function load(): { binding?: LibdeflateBinding; reason?: string } {
  if (loaded) return loaded;
  if (process.env["DEMGRAD_DEFLATE"] === "zlib") {
    loaded = { reason: "DEMGRAD_DEFLATE=zlib is set" };
  } else {
    try {
      loaded = { binding: createRequire(import.meta.url)(ADDON) as LibdeflateBinding };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      loaded = {
        reason:
          code === "MODULE_NOT_FOUND"
            ? "the libdeflate binding is not built (install libdeflate-dev, then run `npm run build`)"
            : `the libdeflate binding does not load: ${(error as Error).message.split("\n")[0]}`,
      };
    }
  }
  return loaded;
}

/** The native binding, or undefined where node:zlib must do the work. */
export function libdeflate(): LibdeflateBinding | undefined {
  return load().binding;
}

/**
 * Which library DEFLATE output and input go through in this process.
 *
 * @example
 * ```ts
 * if (deflateBackend() === "zlib") console.error(`demgrad: DEFLATE through node:zlib: ${deflateFallbackReason()}`);
 * ```
 */
export function deflateBackend(): DeflateBackend {
  return load().binding ? "libdeflate" : "zlib";
}

/** Why node:zlib is used instead of libdeflate (for a `--verbose` note), or undefined when libdeflate is used. */
export function deflateFallbackReason(): string | undefined {
  return load().reason;
}
