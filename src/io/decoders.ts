/**
 * Block decoding for the reader. Every codec is bounded: it stops at the block's expected size (DEFLATE through
 * node:zlib with `maxOutputLength`, ZSTD with the expected size as its output capacity, LZW and PackBits here) and a
 * block that decodes to more or fewer bytes than it holds is refused. LERC, whose decoder can still spin on corrupt
 * input, runs in a worker thread under a deadline (lerc-worker.ts). Predictors and byte order are handled here, so
 * every decoded block comes out in the host's (little-endian) byte order with the predictor undone.
 */
import { promisify } from "node:util";
import { inflate } from "node:zlib";
import { ZSTDDecoder } from "zstddec";
import { InputError } from "../errors.js";
import type { BlockFormat, BlockId } from "./block-format.js";
import { blockName } from "./block-format.js";
import { LercDecoder } from "./lerc-decoder.js";
import { libdeflate } from "./libdeflate.js";
import { oneLine } from "./source.js";
import { lzwDecode } from "./tiff-lzw.js";

export { type BlockFormat, type BlockId, blockName } from "./block-format.js";

const inflateAsync = promisify(inflate);

/** Decodes the stored bytes of one block into at most `limit` bytes; a CodecError when they are corrupt. */
type Codec = (bytes: Uint8Array, limit: number) => Promise<Uint8Array> | Uint8Array;

/** A codec's complaint about its input; the decoder adds file and block. */
export class CodecError extends Error {}

/** Thrown by a codec whose output would pass `limit`. */
export class TooLongError extends CodecError {
  constructor() {
    super("decodes to more bytes than the block holds");
  }
}

/** Decodes blocks of one format into host-order samples with the predictor undone. */
export interface BlockDecoder {
  /**
   * The decoded bytes of `block`, whose size must be one of `sizes` (the largest bounds the codec); the result is
   * a fresh, aligned buffer.
   */
  decode(bytes: Uint8Array, sizes: readonly number[], block: BlockId): Promise<Uint8Array>;
}

const CODEC_NAMES: Record<number, string> = {
  1: "uncompressed",
  5: "LZW",
  8: "DEFLATE",
  32946: "DEFLATE",
  32773: "PackBits",
  34887: "LERC",
  50000: "ZSTD",
};

/**
 * Makes the decoder for blocks of `format` in `file`.
 *
 * @example
 * ```ts
 * const decoder = await blockDecoder({ compression: 8, predictor: 2, blockWidth: 256, blockHeight: 256,
 *   samplesPerBlockPixel: 1, bitsPerSample: [16], planarConfiguration: 1, bytesPerSample: 2, littleEndian: true },
 *   "dem.tif");
 * const block = await decoder.decode(stored, [256 * 256 * 2], { row: 0, column: 0 }); // Int16 bytes, host order
 * ```
 */
export async function blockDecoder(format: BlockFormat, file: string): Promise<BlockDecoder> {
  let codec: Codec;
  switch (format.compression) {
    case 1:
      codec = (bytes) => bytes;
      break;
    case 5:
      codec = lzwDecode;
      break;
    case 8:
    case 32946:
      codec = inflateBounded;
      break;
    case 32773:
      codec = packBitsDecode;
      break;
    case 50000:
      await zstdReady();
      codec = zstdDecode;
      break;
    case 34887: {
      const lerc = new LercDecoder(format);
      codec = (bytes, limit) => lerc.decode(bytes, limit);
      break;
    }
    default:
      throw new InputError(`unsupported compression code ${format.compression}`, {
        file,
        code: "UNSUPPORTED",
      });
  }
  const name = CODEC_NAMES[format.compression]!;
  return {
    async decode(bytes, sizes, block) {
      const limit = Math.max(...sizes);
      let decoded: Uint8Array;
      try {
        decoded = await codec(bytes, limit);
      } catch (error) {
        const reason = oneLine(String((error as Error)?.message ?? error));
        const why = error instanceof TooLongError ? reason : `corrupt ${name} data: ${reason}`;
        throw new InputError(`${why} ${blockName(block)}`, { file, cause: error });
      }
      if (!sizes.includes(decoded.length)) {
        throw new InputError(
          `corrupt TIFF: ${name} data decode to ${decoded.length} bytes, the block holds ${limit} ${blockName(block)}`,
          { file },
        );
      }
      // Typed-array views of the block start at its buffer's first byte: small zlib results share Node's pool.
      const owned =
        decoded.byteOffset === 0 && decoded.byteLength === decoded.buffer.byteLength
          ? decoded
          : copyOf(decoded);
      toHostOrder(owned, format);
      return owned;
    },
  };
}

function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * Inflates on libuv's threadpool (the blocks of a strip decode in parallel), never past `limit` bytes: through
 * libdeflate where its binding loads (twice as fast), else node:zlib. A stream libdeflate refuses goes to zlib too,
 * so corrupt data fail with zlib's message, as without the binding.
 */
async function inflateBounded(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const native = libdeflate();
  if (native) {
    const inflated = await native.decompress(bytes, limit);
    if (inflated === -2) throw new TooLongError();
    if (inflated !== -1) return inflated;
  }
  try {
    // One output chunk for a whole block where DEM data compress as usual (one threadpool job, no round trip to
    // JavaScript per 16 KiB), but never a chunk far bigger than the data could need: a corrupt stream claiming a
    // huge block fails before its output is allocated.
    const chunkSize = Math.max(64, Math.min(limit + 64, 64 * 1024 + 16 * bytes.length));
    return await inflateAsync(bytes, { maxOutputLength: Math.max(1, limit), chunkSize });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw new TooLongError();
    throw new CodecError((error as Error).message);
  }
}

const zstd = new ZSTDDecoder();
let zstdInit: Promise<void> | undefined;

function zstdReady(): Promise<void> {
  zstdInit ??= zstd.init();
  return zstdInit;
}

/** ZSTD frames start with this (little-endian) magic number. */
const ZSTD_MAGIC = 0xfd2fb528;

/**
 * ZSTD with `limit` as the output capacity: one bounded ZSTD_decompress call. (geotiff.js's decoder asks the frame
 * for its size, and where the frame does not say it streams — and its streaming loop never ends when the data are
 * corrupt, because a failing ZSTD_decompressStream consumes no input.)
 */
export function zstdDecode(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.length < 4 || new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) !== ZSTD_MAGIC) {
    throw new CodecError("not a ZSTD frame");
  }
  if (limit === 0) return new Uint8Array(0);
  // ZSTD_decompress returns an error code (a negative size_t in 32-bit WebAssembly) as a short result: the size
  // check then refuses the block.
  const out = zstd.decode(bytes, limit);
  if (out.length === 0) throw new CodecError("the frame does not decode");
  return out;
}

/** PackBits (TIFF 6.0 §9): runs and literals, never past `limit` bytes. */
export function packBitsDecode(bytes: Uint8Array, limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  let o = 0;
  let i = 0;
  while (i < bytes.length) {
    const header = (bytes[i++]! << 24) >> 24;
    if (header >= 0) {
      const n = header + 1;
      if (i + n > bytes.length) throw new CodecError("literal run past the end of the data");
      if (o + n > limit) throw new TooLongError();
      out.set(bytes.subarray(i, i + n), o);
      i += n;
      o += n;
    } else if (header !== -128) {
      const n = 1 - header;
      if (i >= bytes.length) throw new CodecError("repeat run past the end of the data");
      if (o + n > limit) throw new TooLongError();
      out.fill(bytes[i++]!, o, o + n);
      o += n;
    }
    if (o === limit) {
      // A full block may be followed by no-op padding (−128), nothing else.
      while (i < bytes.length && bytes[i] === 0x80) i++;
      if (i < bytes.length) throw new TooLongError();
    }
  }
  return out.subarray(0, o);
}

/** Undoes byte order and predictor in place. */
function toHostOrder(block: Uint8Array, format: BlockFormat): void {
  const { predictor, bytesPerSample, littleEndian, blockWidth, samplesPerBlockPixel } = format;
  const rowSamples = blockWidth * samplesPerBlockPixel;
  // The floating-point predictor stores byte planes most significant first whatever the file's byte order
  // (TIFF Technical Note 3), so undoing it gives host order directly; otherwise samples are in file order.
  if (predictor === 3) {
    undoFloatingPointPredictor(block, rowSamples, samplesPerBlockPixel, bytesPerSample);
    return;
  }
  if (!littleEndian && bytesPerSample > 1) swapBytes(block, bytesPerSample);
  if (predictor === 2)
    undoHorizontalDifferencing(block.buffer, rowSamples, samplesPerBlockPixel, bytesPerSample);
}

/** Undoes predictor 2 in place: each sample was stored as the difference to the one `stride` before it. */
function undoHorizontalDifferencing(
  block: ArrayBufferLike,
  rowSamples: number,
  stride: number,
  bytesPerSample: number,
): void {
  // Unsigned views: the sums wrap modulo 2^bits exactly as the encoder's differences did.
  if (bytesPerSample === 1) prefixSums(new Uint8Array(block), rowSamples, stride);
  else if (bytesPerSample === 2)
    prefixSums(new Uint16Array(block, 0, block.byteLength >> 1), rowSamples, stride);
  else prefixSums(new Uint32Array(block, 0, block.byteLength >> 2), rowSamples, stride);
}

/** Running sums along each row, `stride` samples apart (a single-band row keeps its running sum in a register). */
function prefixSums(
  samples: Uint8Array | Uint16Array | Uint32Array,
  rowSamples: number,
  stride: number,
): void {
  for (let start = 0; start + rowSamples <= samples.length; start += rowSamples) {
    if (stride === 1) {
      // | 0 wraps modulo 2^32, which keeps every narrower modulus; the store wraps to the sample's width.
      let sum = samples[start]! | 0;
      for (let i = start + 1; i < start + rowSamples; i++) {
        sum = (sum + samples[i]!) | 0;
        samples[i] = sum;
      }
    } else {
      for (let i = start + stride; i < start + rowSamples; i++)
        samples[i] = samples[i]! + samples[i - stride]!;
    }
  }
}

/**
 * Undoes predictor 3 in place, row by row: byte differences with `stride`, then the byte planes (most significant
 * first) put back together as little-endian samples.
 */
function undoFloatingPointPredictor(
  bytes: Uint8Array,
  rowSamples: number,
  stride: number,
  bytesPerSample: number,
): void {
  const rowBytes = rowSamples * bytesPerSample;
  const planes = new Uint8Array(rowBytes);
  for (let start = 0; start + rowBytes <= bytes.length; start += rowBytes) {
    for (let i = start + stride; i < start + rowBytes; i++) bytes[i] = bytes[i]! + bytes[i - stride]!;
    planes.set(bytes.subarray(start, start + rowBytes));
    for (let b = 0; b < bytesPerSample; b++) {
      const plane = (bytesPerSample - 1 - b) * rowSamples;
      for (let i = 0, o = start + b; i < rowSamples; i++, o += bytesPerSample) bytes[o] = planes[plane + i]!;
    }
  }
}

/** Reverses the byte order of every `size`-byte sample in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
