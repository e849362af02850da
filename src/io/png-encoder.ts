/**
 * PNG images of small 8-bit rasters (web map tiles), encoded here instead of by sharp: for a 256² tile sharp's
 * per-image set-up costs more than the compression itself, and part of it blocks the calling thread. Rows get PNG's
 * Up filter — on shaded relief as good as the best single filter and on Terrain-RGB half the size of none (measured
 * in docs/tiles.md) — and are compressed like the GeoTIFF writer's tiles: zlib format at DEFLATE level 4, by
 * libdeflate on libuv's threadpool where its binding loads, else by node:zlib.
 */
import * as zlib from "node:zlib";
import { compressTile } from "./tiff-compress.js";

/** Samples per pixel → PNG colour type: grey, grey + alpha, RGB, RGBA (8 bits a sample). */
const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;
export type PngChannels = keyof typeof COLOUR_TYPE;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const FILTER_NONE = 0;
const FILTER_UP = 2;

/**
 * The filtered scanlines of a PNG image (each row: a filter-type byte, then the row minus the row above), the data
 * that IDAT compresses. `out`, when it has the right length, receives them instead of a new array.
 */
export function filterScanlines(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PngChannels,
  out?: Uint8Array,
): Uint8Array {
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new RangeError(`expected ${stride * height} bytes for a ${width}×${height}×${channels} image`);
  }
  const lines = out?.length === (stride + 1) * height ? out : new Uint8Array((stride + 1) * height);
  // The first row has no row above: Up would equal None, so it says None.
  lines[0] = FILTER_NONE;
  lines.set(pixels.subarray(0, stride), 1);
  for (let y = 1; y < height; y++) {
    const at = y * (stride + 1);
    const row = y * stride;
    lines[at] = FILTER_UP;
    // Uint8Array stores wrap modulo 256, as the filter's arithmetic does.
    for (let i = 0; i < stride; i++) lines[at + 1 + i] = pixels[row + i]! - pixels[row - stride + i]!;
  }
  return lines;
}

/**
 * Encodes `pixels` (`channels` bytes a pixel, row-major) as a PNG file. `pixels` is read before this returns, so
 * the caller may reuse it at once; the compression runs on the threadpool.
 *
 * @example
 * ```ts
 * const png = await encodePng(new Uint8Array(256 * 256 * 2).fill(255), 256, 256, 2); // opaque white, grey + alpha
 * ```
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PngChannels,
): Promise<Uint8Array> {
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new RangeError(`expected a positive integer width and height, not ${width}×${height}`);
  }
  if (!(channels in COLOUR_TYPE)) throw new RangeError(`expected 1 to 4 channels, not ${channels}`);
  const lines = filterScanlines(pixels, width, height, channels);
  return compressTile(lines, "deflate").then((idat) => assemble(idat, width, height, channels));
}

function assemble(idat: Uint8Array, width: number, height: number, channels: PngChannels): Uint8Array {
  // 8 signature bytes, and three chunks of 12 bytes besides their data: IHDR (13), IDAT, IEND (0).
  const file = new Uint8Array(8 + 25 + 12 + idat.length + 12);
  const view = new DataView(file.buffer);
  file.set(SIGNATURE, 0);
  let at = 8;
  const chunk = (type: string, length: number, fill: (data: number) => void) => {
    view.setUint32(at, length);
    for (let i = 0; i < 4; i++) file[at + 4 + i] = type.charCodeAt(i);
    fill(at + 8);
    view.setUint32(at + 8 + length, crc32(file.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  };
  chunk("IHDR", 13, (data) => {
    view.setUint32(data, width);
    view.setUint32(data + 4, height);
    // Bit depth 8, the colour type; compression, filter method and interlace all 0 (the only defined ones, none).
    file[data + 8] = 8;
    file[data + 9] = COLOUR_TYPE[channels];
  });
  chunk("IDAT", idat.length, (data) => file.set(idat, data));
  chunk("IEND", 0, () => {});
  return file;
}

/** CRC-32 (ISO 3309, as PNG chunks use): node:zlib's where it has one (Node ≥ 20.15), else from a table. */
const crc32: (data: Uint8Array) => number =
  typeof zlib.crc32 === "function" ? (data) => zlib.crc32(data) : tableCrc32();

function tableCrc32(): (data: Uint8Array) => number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (data) => {
    let c = 0xffffffff;
    for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 255]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
}
