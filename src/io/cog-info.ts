/**
 * Whether a GeoTIFF is laid out as a Cloud Optimized GeoTIFF, and its internal overviews: the structural rules
 * of GDAL's validator (validate_cloud_optimized_geotiff.py), checked from the header and directories alone.
 */
import { type DemSource, inputError, openSource } from "./source.js";
import { TiffDirectory } from "./tiff-ifd.js";

export interface CogLayout {
  /**
   * Whether the layout follows the COG rules (what the validator calls errors): directories first, data
   * smallest overview first, tiled. A large COG without overviews is one (the validator only warns).
   */
  cog: boolean;
  /** The reduced-resolution images, largest first (what `readDem`'s `overview: k` reads, from 1). */
  overviews: { width: number; height: number }[];
  /** The items of GDAL's structural metadata block (LAYOUT, BLOCK_ORDER…), empty when there is none. */
  structure: Record<string, string>;
}

const PREFIX = "GDAL_STRUCTURAL_METADATA_SIZE=";

/**
 * Reads the layout of a GeoTIFF's images.
 *
 * @example
 * ```ts
 * const { cog, overviews } = await cogLayout("slope.tif"); // true, [{ width: 1500, height: 1100 }, …]
 * ```
 */
export async function cogLayout(source: DemSource): Promise<CogLayout> {
  const bytes = await openSource(source);
  try {
    const main = await TiffDirectory.read(bytes);
    const images = [main];
    // Masks (NewSubfileType 4) and other pages are not overviews; a COG has only reduced-resolution images.
    let onlyOverviews = true;
    for (let ifd = await main.following(), k = 1; ifd && k < 64; ifd = await ifd.following(), k++) {
      if (((await ifd.number(254, 0)) & 1) === 1) images.push(ifd);
      else onlyOverviews = false;
    }
    const sizes = await Promise.all(
      images.map(async (ifd) => ({ width: await ifd.number(256, 0), height: await ifd.number(257, 0) })),
    );
    const headerSize = main.bigTiff ? 16 : 8;
    const structure: Record<string, string> = {};
    let expectedIfd = headerSize;
    const head = await bytes.read(
      headerSize,
      Math.min(PREFIX.length + 13, Math.max(0, main.offset - headerSize)),
    );
    const text = Buffer.from(head).toString("latin1");
    if (text.startsWith(PREFIX)) {
      const size = Number(text.slice(PREFIX.length, PREFIX.length + 6));
      const start = headerSize + PREFIX.length + 13; // "000140 bytes\n"
      const block = Buffer.from(await bytes.read(start, size)).toString("latin1");
      for (const line of block.split("\n")) {
        const [key, value] = line.split("=");
        if (key && value !== undefined) structure[key.trim()] = value.trim();
      }
      expectedIfd = start + size;
      expectedIfd += expectedIfd % 2;
    }
    const firstBlocks = await Promise.all(
      images.map(async (ifd) => {
        const offsets = (await ifd.numbers(324)) ?? (await ifd.numbers(273));
        return offsets ? Math.min(...Array.from(offsets).filter((o) => o > 0)) : 0;
      }),
    );
    const lastIfd = images[images.length - 1]!.offset;
    // The validator's rule: an image larger than 512 on a side is not in strips wider than 1024.
    const tiled = images.every(
      (ifd, k) =>
        ifd.has(324) || Math.max(sizes[k]!.width, sizes[k]!.height) <= 512 || sizes[k]!.width <= 1024,
    );
    const cog =
      onlyOverviews &&
      tiled &&
      main.offset === expectedIfd &&
      images.every((ifd, k) => k === 0 || ifd.offset > images[k - 1]!.offset) &&
      firstBlocks[firstBlocks.length - 1]! > lastIfd &&
      firstBlocks.every((offset, k) => k === 0 || offset < firstBlocks[k - 1]!) &&
      structure.KNOWN_INCOMPATIBLE_EDITION !== "YES";
    return { cog, overviews: sizes.slice(1), structure };
  } catch (error) {
    throw inputError(bytes.name, error);
  } finally {
    await bytes.close();
  }
}
