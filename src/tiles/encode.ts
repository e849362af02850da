/** Tile images: PNG encoded here (src/io/png-encoder.ts), WebP through sharp. Elevation WebP is lossless. */
import type { Sharp, SharpOptions } from "sharp";
import { encodePng } from "../io/png-encoder.js";

export type TileFormat = "png" | "webp";

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;
let loading: Promise<SharpFactory> | undefined;

/** sharp, loaded on first use: it takes a noticeable part of a second, which PNG tiles need not pay. */
function loadSharp(): Promise<SharpFactory> {
  loading ??= import("sharp").then((m) => m.default as unknown as SharpFactory);
  return loading;
}

/**
 * Encodes `pixels` (`channels` bytes per pixel, row-major) as a square tile image. PNG reads `pixels` before it
 * returns, so the caller may reuse them at once; WebP keeps them until the promise settles.
 */
export function encodeTile(
  pixels: Uint8Array,
  size: number,
  channels: 2 | 4,
  format: TileFormat,
  lossless: boolean,
): Promise<Uint8Array> {
  if (format === "png") return encodePng(pixels, size, size, channels);
  return loadSharp().then((sharp) => {
    let image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
      raw: { width: size, height: size, channels },
    });
    // Without this sharp writes grey + alpha as RGBA.
    if (channels === 2) image = image.toColourspace("b-w");
    return image.webp(lossless ? { lossless: true } : { quality: 90 }).toBuffer();
  });
}
