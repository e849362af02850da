/**
 * Opening a DEM source (file path, http(s) URL, or bytes) with geotiff.js, with the checks that turn every way a
 * source can be wrong into one `InputError` line: missing, empty, not a TIFF, unreachable, truncated.
 */
import { open, stat } from "node:fs/promises";
import { fromArrayBuffer, fromFile, fromUrl, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { DemgradError, InputError } from "../errors.js";

/** A file path, an http(s) URL (read with range requests), or the file's bytes. */
export type DemSource = string | URL | ArrayBuffer;

/** An opened TIFF and the source's size in bytes where it is known. */
export interface OpenedTiff {
  tiff: GeoTIFF;
  size: number | undefined;
}

/**
 * The name of a source in messages: the path, the URL, or `<buffer>`.
 *
 * @example
 * ```ts
 * describeSource(new URL("https://example.com/dem.tif")); // "https://example.com/dem.tif"
 * ```
 */
export function describeSource(source: DemSource): string {
  if (typeof source === "string") return source;
  if (source instanceof URL) return source.href;
  return "<buffer>";
}

function urlOf(source: DemSource): string | undefined {
  if (source instanceof URL) return source.href;
  if (typeof source === "string" && /^https?:\/\//i.test(source)) return source;
  return undefined;
}

/**
 * Opens `source` as a TIFF after checking that it exists, is not empty and starts like a TIFF.
 *
 * @example
 * ```ts
 * const { tiff, size } = await openTiff("dem.tif");
 * const image = await tiff.getImage();
 * ```
 */
export async function openTiff(source: DemSource): Promise<OpenedTiff> {
  const file = describeSource(source);
  const url = urlOf(source);
  if (url !== undefined) {
    const size = await probeUrl(url, file);
    return { tiff: await fromUrl(url), size };
  }
  if (source instanceof ArrayBuffer) {
    checkHeader(new Uint8Array(source, 0, Math.min(16, source.byteLength)), source.byteLength, file);
    return { tiff: await fromArrayBuffer(source), size: source.byteLength };
  }
  const path = source as string;
  const info = await stat(path);
  if (info.isDirectory()) throw new InputError("is a folder, not a GeoTIFF", { file });
  const handle = await open(path, "r");
  const head = new Uint8Array(16);
  try {
    await handle.read(head, 0, 16, 0);
  } finally {
    await handle.close();
  }
  checkHeader(head, info.size, file);
  return { tiff: await fromFile(path), size: info.size };
}

/** Reads the first bytes over HTTP: a clear message for unreachable URLs, and the file size for checks. */
async function probeUrl(url: string, file: string): Promise<number | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Range: "bytes=0-15" } });
  } catch (error) {
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(`cannot connect: ${reason?.code ?? reason?.message ?? String(error)}`, {
      file,
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new InputError(`HTTP ${response.status} ${response.statusText}`.trim(), { file });
  }
  const head = new Uint8Array(await response.arrayBuffer()).subarray(0, 16);
  const total = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "")?.[1];
  const size = response.status === 206 ? (total === undefined ? undefined : Number(total)) : head.length;
  checkHeader(head, size ?? Number.POSITIVE_INFINITY, file);
  return size;
}

/** Refuses empty files and files that do not start with a TIFF or BigTIFF header. */
function checkHeader(head: Uint8Array, size: number, file: string): void {
  if (size === 0) throw new InputError("empty file", { file });
  const isTiff =
    size >= 8 &&
    ((head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0) ||
      (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43)));
  // Just "not a TIFF file": scripts and the batch report match this exact text.
  if (!isTiff) throw new InputError("not a TIFF file", { file });
}

/**
 * Refuses directories whose blocks lie (partly) past the end of the source — truncated downloads, corrupt
 * offsets — or that describe fewer or more blocks than the raster needs.
 *
 * @example
 * ```ts
 * await checkBlocksInside(image, size, "dem.tif"); // throws InputError("truncated or corrupt TIFF: …")
 * ```
 */
export async function checkBlocksInside(image: GeoTIFFImage, size: number | undefined, file: string) {
  const ifd = image.fileDirectory;
  const tiled = ifd.hasTag("TileOffsets");
  const offsets = (await ifd.loadValue(tiled ? "TileOffsets" : "StripOffsets")) as
    | ArrayLike<number | bigint>
    | undefined;
  const counts = (await ifd.loadValue(tiled ? "TileByteCounts" : "StripByteCounts")) as
    | ArrayLike<number | bigint>
    | undefined;
  if (!offsets || !counts || offsets.length !== counts.length) {
    throw new InputError("corrupt TIFF: block offsets or sizes are missing", { file });
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const blockWidth = image.getTileWidth();
  const blockHeight = image.getTileHeight();
  const planes = image.planarConfiguration === 2 ? image.getSamplesPerPixel() : 1;
  const expected = Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) * planes;
  if (!(width > 0 && height > 0 && blockWidth > 0 && blockHeight > 0) || offsets.length !== expected) {
    throw new InputError(`corrupt TIFF: ${offsets.length} data blocks for a ${width}×${height} raster`, {
      file,
    });
  }
  if (size === undefined) return;
  for (let i = 0; i < offsets.length; i++) {
    const end = Number(offsets[i]) + Number(counts[i]);
    if (end > size) {
      throw new InputError(
        `truncated or corrupt TIFF: data block ${i} ends at byte ${end}, past the end of the file (${size} bytes)`,
        { file },
      );
    }
  }
}

/**
 * Turns whatever the file system or geotiff.js threw into one `InputError` line naming `file`. demgrad's own
 * errors pass through (with `file` filled in).
 *
 * @example
 * ```ts
 * try { await fromFile(path); } catch (error) { throw inputError(path, error); }
 * ```
 */
export function inputError(file: string, error: unknown): DemgradError {
  if (error instanceof DemgradError) {
    error.file ??= file;
    return error;
  }
  const e = error as NodeJS.ErrnoException | undefined;
  const text = `${e?.name ?? ""} ${e?.message ?? String(error)}`;
  const message =
    e?.code === "ENOENT"
      ? "no such file"
      : e?.code === "EACCES"
        ? "permission denied"
        : e?.code === "EISDIR"
          ? "is a folder, not a GeoTIFF"
          : /Invalid byte order|magic/i.test(text)
            ? "not a TIFF file"
            : /offset|out of bounds|outside the bounds|RangeError|beyond|end of file|EOF/i.test(text)
              ? "truncated or corrupt TIFF (data past the end of the file)"
              : /incorrect header check|invalid (stored|distance|code|block)|unexpected end|zlib|Z_/i.test(
                    text,
                  )
                ? "corrupt compressed data in the TIFF"
                : `cannot read: ${(e?.message ?? String(error)).split("\n")[0]}`;
  return new InputError(message, { file, cause: error });
}
