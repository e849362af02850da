/** Tile images: PNG or WebP through sharp. Elevation encodings are data, so their WebP is lossless. */
import sharp from "sharp";

export type TileFormat = "png" | "webp";

/** Encodes `pixels` (`channels` bytes per pixel, row-major) as a square tile image. */
export async function encodeTile(
  pixels: Uint8Array,
  size: number,
  channels: 2 | 4,
  format: TileFormat,
  lossless: boolean,
): Promise<Buffer> {
  let image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width: size, height: size, channels },
  });
  // Without this sharp writes grey + alpha as RGBA.
  if (channels === 2) image = image.toColourspace("b-w");
  if (format === "webp") return image.webp(lossless ? { lossless: true } : { quality: 90 }).toBuffer();
  return image.png({ compressionLevel: 6 }).toBuffer();
}
