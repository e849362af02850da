/**
 * Block decoding for the reader: DEFLATE through node:zlib (native, on libuv's threadpool) instead of geotiff.js's
 * pako-in-a-worker, and predictors and byte order handled here, so every decoded block comes out in the host's
 * (little-endian) byte order with the predictor undone — also for big-endian files, where geotiff.js's own
 * predictor code assumes little-endian samples.
 */
import { promisify } from "node:util";
import { inflate } from "node:zlib";
import { addDecoder, BaseDecoder, getDecoder } from "geotiff";

const inflateAsync = promisify(inflate);

/** Inflates on libuv's threadpool, so the blocks of a strip decode in parallel. */
class ZlibDeflateDecoder extends BaseDecoder {
  /** One output chunk for a whole block: one threadpool job, no round trip to JavaScript per 16 KiB. */
  private readonly chunkSize: number;

  constructor(parameters: ConstructorParameters<typeof BaseDecoder>[0]) {
    super(parameters);
    const { tileWidth, tileHeight, bitsPerSample, samplesPerPixel } = parameters;
    const bits = Number(Array.from(bitsPerSample as ArrayLike<number>)[0] ?? 8);
    const blockBytes = Math.ceil((tileWidth * tileHeight * (samplesPerPixel ?? 1) * bits) / 8);
    this.chunkSize = Math.max(16384, blockBytes + 1024);
  }

  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const out = await inflateAsync(new Uint8Array(buffer), { chunkSize: this.chunkSize });
    // A large result owns its memory: hand it over without a copy (small ones may share Node's buffer pool).
    if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength) return out.buffer;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

let registered = false;

/**
 * Registers the node:zlib DEFLATE decoder for compression codes 8 and 32946 in geotiff.js (idempotent).
 *
 * @example
 * ```ts
 * registerFastDecoders();
 * const decoder = await getDecoder(8, parameters); // now a ZlibDeflateDecoder
 * ```
 */
export function registerFastDecoders(): void {
  if (registered) return;
  registered = true;
  addDecoder([8, 32946], async () => ZlibDeflateDecoder, undefined, false);
}

/** What a decoder must know about the blocks it decodes. */
export interface BlockFormat {
  /** TIFF Compression code. */
  compression: number;
  /** TIFF Predictor: 1 none, 2 horizontal differencing, 3 floating point. */
  predictor: number;
  blockWidth: number;
  blockHeight: number;
  /** Samples interleaved in one block (SamplesPerPixel when chunky, 1 when planar). */
  samplesPerBlockPixel: number;
  /** BitsPerSample of every sample, as the file gives it (needed by LERC). */
  bitsPerSample: number[];
  planarConfiguration: number;
  /** Bytes of one sample (all samples the same size). */
  bytesPerSample: number;
  littleEndian: boolean;
  /** The LercParameters tag (LERC only). */
  lercParameters?: unknown;
}

/**
 * A decoder whose blocks are in host byte order with the predictor undone, ready for typed-array views.
 * It is a geotiff.js `BaseDecoder`, so it can be passed to `GeoTIFFImage.getTileOrStrip`.
 */
class HostOrderDecoder extends BaseDecoder {
  constructor(
    private readonly codec: BaseDecoder,
    private readonly format: BlockFormat,
  ) {
    super(codec.parameters);
  }

  override async decode(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const block = await this.codec.decode(buffer);
    const { predictor, bytesPerSample, littleEndian, blockWidth, samplesPerBlockPixel } = this.format;
    const rowSamples = blockWidth * samplesPerBlockPixel;
    // The floating-point predictor stores byte planes most significant first whatever the file's byte order
    // (TIFF Technical Note 3), so undoing it gives host order directly; otherwise samples are in file order.
    if (predictor === 3) {
      undoFloatingPointPredictor(new Uint8Array(block), rowSamples, samplesPerBlockPixel, bytesPerSample);
      return block;
    }
    if (!littleEndian && bytesPerSample > 1) swapBytes(new Uint8Array(block), bytesPerSample);
    if (predictor === 2) undoHorizontalDifferencing(block, rowSamples, samplesPerBlockPixel, bytesPerSample);
    return block;
  }
}

/**
 * Makes the decoder for blocks of `format`: geotiff.js's codec (or the zlib one) without its predictor step,
 * followed by byte-order and predictor handling.
 *
 * @example
 * ```ts
 * const decoder = await hostOrderDecoder({ compression: 8, predictor: 2, blockWidth: 256, blockHeight: 256,
 *   samplesPerBlockPixel: 1, bitsPerSample: [16], planarConfiguration: 1, bytesPerSample: 2, littleEndian: true });
 * const { data } = await image.getTileOrStrip(0, 0, 0, decoder); // Int16 values, host order
 * ```
 */
export async function hostOrderDecoder(format: BlockFormat): Promise<BaseDecoder> {
  registerFastDecoders();
  const codec = await getDecoder(format.compression, {
    tileWidth: format.blockWidth,
    tileHeight: format.blockHeight,
    planarConfiguration: format.planarConfiguration,
    bitsPerSample: format.bitsPerSample,
    samplesPerPixel: format.samplesPerBlockPixel,
    predictor: 1,
    ...(format.lercParameters === undefined ? {} : { LercParameters: format.lercParameters }),
  } as Parameters<typeof getDecoder>[1]);
  return new HostOrderDecoder(codec, format);
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
