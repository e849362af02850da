/** Tile images: PNG or WebP through sharp. Elevation encodings are data, so their WebP is lossless. */
import type { Sharp, SharpOptions } from "sharp";

export type TileFormat = "png" | "webp";

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;
let loading: Promise<SharpFactory> | undefined;

/** sharp, loaded on first use: it takes a noticeable part of a second, which no other command should pay. */
function loadSharp(): Promise<SharpFactory> {
  loading ??= import("sharp").then((m) => m.default as unknown as SharpFactory);
  return loading;
}

/** Encodes `pixels` (`channels` bytes per pixel, row-major) as a square tile image. */
export async function encodeTile(
  pixels: Uint8Array,
  size: number,
  channels: 2 | 4,
  format: TileFormat,
  lossless: boolean,
): Promise<Buffer> {
  const sharp = await loadSharp();
  let image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width: size, height: size, channels },
  });
  // Without this sharp writes grey + alpha as RGBA.
  if (channels === 2) image = image.toColourspace("b-w");
  if (format === "webp") return image.webp(lossless ? { lossless: true } : { quality: 90 }).toBuffer();
  // zlib level 4, as the PNG writer: half the time of level 6 for files about 4 % larger.
  return image.png({ compressionLevel: 4 }).toBuffer();
}
