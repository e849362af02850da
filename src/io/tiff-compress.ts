/** TIFF predictors and codecs for output tiles: horizontal (2) and floating-point (3) predictors, DEFLATE, LZW. */

import { promisify } from "node:util";
import { deflate } from "node:zlib";

const deflateAsync = promisify(deflate);

export type Codec = "deflate" | "lzw" | "none";

/** TIFF Compression tag values. */
export const COMPRESSION_CODE: Record<Codec, number> = { none: 1, lzw: 5, deflate: 8 };

/**
 * Applies the predictor in place to a tile of `rows` rows of `width` samples of `bytes` bytes each (little-endian).
 * Predictor 2: integer differences along the row. Predictor 3: per row, the bytes are split into planes (most
 * significant first) and differenced byte by byte, as libtiff does.
 */
export function applyPredictor(
  tile: Uint8Array,
  width: number,
  rows: number,
  bytes: number,
  predictor: 1 | 2 | 3,
  signed: boolean,
): Uint8Array {
  if (predictor === 1) return tile;
  const rowBytes = width * bytes;
  if (predictor === 3) {
    const out = new Uint8Array(tile.length);
    for (let r = 0; r < rows; r++) {
      const base = r * rowBytes;
      for (let c = 0; c < width; c++) {
        for (let b = 0; b < bytes; b++) out[base + (bytes - b - 1) * width + c] = tile[base + c * bytes + b]!;
      }
      for (let i = base + rowBytes - 1; i > base; i--) out[i] = (out[i]! - out[i - 1]!) & 0xff;
    }
    return out;
  }
  const view = new DataView(tile.buffer, tile.byteOffset, tile.byteLength);
  const get =
    bytes === 1
      ? (o: number) => view.getUint8(o)
      : bytes === 2
        ? (o: number) => view.getUint16(o, true)
        : (o: number) => view.getUint32(o, true);
  const set =
    bytes === 1
      ? (o: number, v: number) => view.setUint8(o, v)
      : bytes === 2
        ? (o: number, v: number) => view.setUint16(o, v, true)
        : (o: number, v: number) => view.setUint32(o, v, true);
  const mask = bytes === 4 ? 0xffffffff : (1 << (8 * bytes)) - 1;
  void signed; // two's complement differences are the same bits for signed and unsigned samples
  for (let r = 0; r < rows; r++) {
    const base = r * rowBytes;
    for (let c = width - 1; c > 0; c--) {
      const o = base + c * bytes;
      set(o, (get(o) - get(o - bytes)) & mask);
    }
  }
  return tile;
}

/** Compresses one tile (runs in libuv's threadpool for DEFLATE, so tiles compress in parallel). */
export async function compressTile(data: Uint8Array, codec: Codec): Promise<Uint8Array> {
  if (codec === "deflate") return deflateAsync(data, { level: 6 });
  if (codec === "lzw") return lzwEncode(data);
  return data;
}

/** TIFF LZW (MSB-first codes of 9–12 bits, Clear = 256, EOI = 257, with the TIFF "early change"). */
export function lzwEncode(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let bitBuffer = 0;
  let bitCount = 0;
  let codeWidth = 9;
  const emit = (code: number) => {
    bitBuffer = (bitBuffer << codeWidth) | code;
    bitCount += codeWidth;
    while (bitCount >= 8) {
      out.push((bitBuffer >>> (bitCount - 8)) & 0xff);
      bitCount -= 8;
    }
    bitBuffer &= (1 << bitCount) - 1;
  };
  let table = new Map<number, number>();
  let next = 258;
  emit(256);
  if (input.length === 0) {
    emit(257);
  } else {
    let prefix = input[0]!;
    for (let i = 1; i < input.length; i++) {
      const byte = input[i]!;
      const key = prefix * 256 + byte;
      const found = table.get(key);
      if (found !== undefined) {
        prefix = found;
        continue;
      }
      emit(prefix);
      table.set(key, next++);
      prefix = byte;
      if (next >= 4094) {
        emit(256);
        table = new Map();
        next = 258;
        codeWidth = 9;
      } else if (next >= 1 << codeWidth) {
        codeWidth++;
      }
    }
    emit(prefix);
    // The decoder adds an entry for the last code too (it runs one entry behind): widen or clear as it expects.
    next++;
    if (next >= 4094) {
      emit(256);
      codeWidth = 9;
    } else if (next >= 1 << codeWidth) {
      codeWidth++;
    }
    emit(257);
  }
  if (bitCount > 0) out.push((bitBuffer << (8 - bitCount)) & 0xff);
  return Uint8Array.from(out);
}
