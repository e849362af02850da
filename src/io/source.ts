/**
 * The bytes of a DEM source (file path, http(s) URL, or bytes), with the checks that turn every way a source can be
 * wrong into one `InputError` line: missing, not a regular file, empty, not a TIFF, unreachable, truncated. Every
 * read checks that it got all the bytes it asked for: a file that shrinks while it is read fails instead of reading
 * zeros.
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import { DemgradError, InputError } from "../errors.js";

/** A file path, an http(s) URL (read with range requests), or the file's bytes. */
export type DemSource = string | URL | ArrayBuffer;

/** A read that came back short: the source ends (now) before `offset + length`. */
export class ShortReadError extends Error {
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly got: number,
  ) {
    super(`read of ${length} bytes at ${offset} returned ${got}`);
    this.name = "ShortReadError";
  }
}

/** Random access to the bytes of a source. */
export interface ByteSource {
  /** The source's name in messages. */
  readonly name: string;
  /** Size in bytes where known (an HTTP server may not say). */
  readonly size: number | undefined;
  /** Exactly `length` bytes at `offset`, or a `ShortReadError`. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
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
 * Opens `source` for reading after checking that it exists, is a regular file (a FIFO or device would block or
 * never end), is not empty and starts like a TIFF.
 *
 * @example
 * ```ts
 * const bytes = await openSource("dem.tif");
 * const header = await bytes.read(0, 8);
 * await bytes.close();
 * ```
 */
export async function openSource(source: DemSource): Promise<ByteSource> {
  const name = describeSource(source);
  const url = urlOf(source);
  let bytes: ByteSource;
  if (url !== undefined) {
    bytes = await UrlSource.open(url, name);
  } else if (source instanceof ArrayBuffer) {
    bytes = new BufferSource(new Uint8Array(source), name);
  } else {
    const path = source as string;
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError("is a folder, not a GeoTIFF", { file: name });
    if (!info.isFile()) throw new InputError("not a regular file", { file: name });
    bytes = new FileSource(await open(path, "r"), info.size, name);
  }
  try {
    if (bytes.size === 0) throw new InputError("empty file", { file: name });
    const available = bytes.size === undefined ? 8 : Math.min(8, bytes.size);
    checkHeader(await bytes.read(0, available), name);
    return bytes;
  } catch (error) {
    await bytes.close().catch(() => {});
    if (error instanceof ShortReadError) throw new InputError("not a TIFF file", { file: name });
    throw error;
  }
}

/** Refuses sources that do not start with a TIFF or BigTIFF header. */
function checkHeader(head: Uint8Array, file: string): void {
  const isTiff =
    head.length >= 8 &&
    ((head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0) ||
      (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43)));
  // Just "not a TIFF file": scripts and the batch report match this exact text.
  if (!isTiff) throw new InputError("not a TIFF file", { file });
}

class FileSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly name: string,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let got = 0;
    // The OS may return fewer bytes than asked without being at the end: read on until the end of the file.
    while (got < length) {
      const { bytesRead } = await this.handle.read(out, got, length - got, offset + got);
      if (bytesRead === 0) throw new ShortReadError(offset, length, got);
      got += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

class BufferSource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly name: string,
  ) {
    this.size = bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset + length > this.bytes.length) {
      throw new ShortReadError(offset, length, Math.max(0, this.bytes.length - offset));
    }
    return this.bytes.slice(offset, offset + length);
  }

  async close(): Promise<void> {}
}

/** Range requests over HTTP(S). */
class UrlSource implements ByteSource {
  private constructor(
    private readonly url: string,
    readonly size: number | undefined,
    readonly name: string,
  ) {}

  /** Asks for the first bytes: a clear message for unreachable URLs, and the file size from Content-Range. */
  static async open(url: string, name: string): Promise<UrlSource> {
    const response = await UrlSource.request(url, name, 0, 16);
    const head = new Uint8Array(await response.arrayBuffer());
    const total = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "")?.[1];
    const size = response.status === 206 ? (total === undefined ? undefined : Number(total)) : head.length;
    return new UrlSource(url, size, name);
  }

  private static async request(url: string, file: string, offset: number, length: number) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
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
    return response;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const response = await UrlSource.request(this.url, this.name, offset, length);
    let bytes = new Uint8Array(await response.arrayBuffer());
    // A server that ignores Range sends the whole file.
    if (response.status === 200) bytes = bytes.subarray(offset, offset + length);
    if (bytes.length < length) throw new ShortReadError(offset, length, bytes.length);
    return bytes.length === length ? bytes : bytes.slice(0, length);
  }

  async close(): Promise<void> {}
}

/** Messages longer than this are cut: an error is one short line, never a dump of tag values. */
const MAX_MESSAGE = 160;

/**
 * Turns whatever the file system or a codec threw into one `InputError` line naming `file`. demgrad's own
 * errors pass through (with `file` filled in).
 *
 * @example
 * ```ts
 * try { await openSource(path); } catch (error) { throw inputError(path, error); }
 * ```
 */
export function inputError(file: string, error: unknown): DemgradError {
  if (error instanceof DemgradError) {
    error.file ??= file;
    // Messages built from file contents (georeferencing values, tag text) stay one short line.
    error.message = oneLine(error.message);
    return error;
  }
  const e = error as NodeJS.ErrnoException | undefined;
  const message =
    e?.code === "ENOENT"
      ? "no such file"
      : e?.code === "EACCES"
        ? "permission denied"
        : e?.code === "EISDIR"
          ? "is a folder, not a GeoTIFF"
          : error instanceof ShortReadError
            ? "truncated while reading"
            : `cannot read: ${oneLine(e?.message ?? String(error))}`;
  return new InputError(message, { file, cause: error });
}

/**
 * The first line of `text`, cut to a short length.
 *
 * @example
 * ```ts
 * oneLine("bad value\n  at x"); // "bad value"
 * ```
 */
export function oneLine(text: string): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}
