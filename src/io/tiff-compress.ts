/**
 * Encoding output tiles: cut a tile out of a tile row with the TIFF predictor applied in the same pass, then
 * compress it (DEFLATE on libuv's threadpool, our LZW, or none).
 */
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { nativeKernels } from "../native.js";
import { libdeflate } from "./libdeflate.js";
import { lzwEncode } from "./tiff-lzw.js";

const deflateAsync = promisify(deflate);

export type Codec = "deflate" | "lzw" | "none";

/** TIFF Compression tag values. */
export const COMPRESSION_CODE: Record<Codec, number> = { none: 1, lzw: 5, deflate: 8 };

/** TIFF Predictor tag values: none, horizontal differencing (integers), floating point (byte planes). */
export type Predictor = 1 | 2 | 3;

/** The typed arrays the writer keeps samples in. */
export type SampleArray = Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/**
 * The bytes of one `size`×`size` tile starting at column `x0` of `source` (rows of `stride` samples), with the
 * predictor applied (little-endian):
 * - 2: each sample minus its left neighbour, wrapping like the integer type (typed-array stores wrap modulo 2ⁿ);
 * - 3: per row, the sample bytes split into planes, most significant plane first, then each byte minus the byte
 *   before it — libtiff's floating-point predictor (TIFF Technical Note 3), which GDAL reads.
 *
 * @example
 * ```ts
 * const row = new Float32Array(512 * 256); // a tile row two tiles wide
 * const secondTile = predictTile(row, 512, 256, 256, 3);
 * ```
 *
 * `out` (`size`² samples of bytes) receives the tile instead of a new array, so a writer can reuse buffers.
 */
export function predictTile(
  source: SampleArray,
  stride: number,
  x0: number,
  size: number,
  predictor: Predictor,
  out?: Uint8Array,
): Uint8Array {
  const bytes = source.BYTES_PER_ELEMENT;
  const target = out ?? new Uint8Array(size * size * bytes);
  if (predictor === 3) return floatPredictTile(source, stride, x0, size, bytes, target);
  const tile = new (
    source.constructor as new (
      buffer: ArrayBufferLike,
      offset: number,
      length: number,
    ) => SampleArray
  )(target.buffer, target.byteOffset, size * size);
  for (let r = 0; r < size; r++) {
    const from = r * stride + x0;
    const to = r * size;
    if (predictor === 1) {
      tile.set(source.subarray(from, from + size), to);
      continue;
    }
    tile[to] = source[from]!;
    for (let c = 1; c < size; c++) tile[to + c] = source[from + c]! - source[from + c - 1]!;
  }
  return new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
}

function floatPredictTile(
  source: SampleArray,
  stride: number,
  x0: number,
  size: number,
  bytes: number,
  out: Uint8Array,
) {
  if (bytes === 4) return float32PredictTile(source, stride, x0, size, out);
  const input = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const rowBytes = size * bytes;
  for (let r = 0; r < size; r++) {
    const from = (r * stride + x0) * bytes;
    const base = r * rowBytes;
    for (let b = 0; b < bytes; b++) {
      // Byte b of each little-endian sample goes to plane (bytes − 1 − b): the most significant plane first.
      const plane = base + (bytes - 1 - b) * size;
      for (let c = 0, i = from + b; c < size; c++, i += bytes) out[plane + c] = input[i]!;
    }
    let previous = out[base]!;
    for (let i = base + 1; i < base + rowBytes; i++) {
      const current = out[i]!;
      out[i] = current - previous;
      previous = current;
    }
  }
  return out;
}

/**
 * The same for 4-byte samples in one pass over 32-bit words: each plane byte minus the same byte of the previous
 * sample (stores into a Uint8Array wrap modulo 256); a plane's first byte follows the last byte of the plane before.
 */
function float32PredictTile(source: SampleArray, stride: number, x0: number, size: number, out: Uint8Array) {
  const words = new Uint32Array(source.buffer, source.byteOffset, source.length);
  const native = nativeKernels();
  if (native) {
    native.float32Predict(words, stride, x0, size, out);
    return out;
  }
  for (let r = 0; r < size; r++) {
    const from = r * stride + x0;
    const p0 = r * size * 4;
    const p1 = p0 + size;
    const p2 = p1 + size;
    const p3 = p2 + size;
    const first = words[from]!;
    const last = words[from + size - 1]!;
    out[p0] = first >>> 24;
    out[p1] = ((first >>> 16) & 255) - (last >>> 24);
    out[p2] = ((first >>> 8) & 255) - ((last >>> 16) & 255);
    out[p3] = (first & 255) - ((last >>> 8) & 255);
    let previous = first;
    for (let c = 1; c < size; c++) {
      const v = words[from + c]!;
      out[p0 + c] = (v >>> 24) - (previous >>> 24);
      out[p1 + c] = (v >>> 16) - (previous >>> 16);
      out[p2 + c] = (v >>> 8) - (previous >>> 8);
      out[p3 + c] = v - previous;
      previous = v;
    }
  }
  return out;
}

/**
 * DEFLATE level, the same for both libraries. 4, not zlib's (and GDAL's) 6: on float products within 3 % as small
 * and 10–50 % faster; docs/performance.md has the measurements.
 */
export const DEFLATE_LEVEL = 4;

/**
 * Compresses one tile. DEFLATE runs on libuv's threadpool (through libdeflate where its binding loads, else
 * node:zlib), so several tiles compress in parallel while JavaScript goes on.
 *
 * @example
 * ```ts
 * const encoded = await compressTile(predictTile(row, stride, 0, 256, 3), "deflate");
 * ```
 */
export async function compressTile(data: Uint8Array, codec: Codec): Promise<Uint8Array> {
  if (codec === "deflate") {
    const native = libdeflate();
    if (native) return native.compress(data, DEFLATE_LEVEL);
    // One output chunk larger than deflateBound(), so the tile compresses in one threadpool job instead of a
    // round trip to the (busy) main thread for every 16 KiB: twice the throughput while the caller computes.
    return deflateAsync(data, { level: DEFLATE_LEVEL, chunkSize: data.length + 4096 });
  }
  if (codec === "lzw") return lzwEncode(data);
  return data;
}
