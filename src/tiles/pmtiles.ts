/**
 * A PMTiles v3 writer, from the public specification (protomaps/PMTiles spec/v3): a 127-byte header, a gzipped root
 * directory (leaf directories when the root would pass 16 KiB), gzipped JSON metadata and the tile data clustered
 * in TileId order with identical tiles stored once. Tiles are spooled to a temporary file as they come, in any
 * order, and the archive is assembled when `finish` is called.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { temporaryName } from "../io/atomic.js";
import type { LonLatBounds } from "./mercator.js";

/**
 * The TileId of z/x/y: the tiles of all lower zooms, plus the position of (x, y) along zoom z's Hilbert curve.
 *
 * @example
 * ```ts
 * zxyToTileId(0, 0, 0); // 0
 * zxyToTileId(1, 0, 0); // 1
 * ```
 */
export function zxyToTileId(z: number, x: number, y: number): number {
  const n = 2 ** z;
  if (z > 26 || x < 0 || y < 0 || x >= n || y >= n) throw new RangeError(`no tile ${z}/${x}/${y}`);
  let id = (4 ** z - 1) / 3;
  let d = 0;
  let px = x;
  let py = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (px & s) > 0 ? 1 : 0;
    const ry = (py & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        px = s - 1 - px;
        py = s - 1 - py;
      }
      [px, py] = [py, px];
    }
  }
  id += d;
  return id;
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function pushVarint(bytes: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
}

/** A directory, serialised as the spec says: count, then delta TileIds, run lengths, lengths and offsets. */
function serialiseDirectory(entries: Entry[]): Buffer {
  const bytes: number[] = [];
  pushVarint(bytes, entries.length);
  let last = 0;
  for (const e of entries) {
    pushVarint(bytes, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) pushVarint(bytes, e.runLength);
  for (const e of entries) pushVarint(bytes, e.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const previous = entries[i - 1];
    // 0 means "right after the previous entry", otherwise offset + 1.
    pushVarint(bytes, i > 0 && previous && e.offset === previous.offset + previous.length ? 0 : e.offset + 1);
  }
  return gzipSync(Buffer.from(bytes));
}

/** Root and leaf directories, with leaves of growing size until header + root fit in 16 KiB. */
function buildDirectories(entries: Entry[]): { root: Buffer; leaves: Buffer } {
  const root = serialiseDirectory(entries);
  if (root.length <= 16384 - 127) return { root, leaves: Buffer.alloc(0) };
  for (let leafSize = 4096; ; leafSize *= 2) {
    const rootEntries: Entry[] = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = serialiseDirectory(entries.slice(i, i + leafSize));
      rootEntries.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 });
      parts.push(leaf);
      offset += leaf.length;
    }
    const root = serialiseDirectory(rootEntries);
    if (root.length <= 16384 - 127) return { root, leaves: Buffer.concat(parts) };
  }
}

/** What the header says about the tile set. */
export interface ArchiveDescription {
  tileType: "png" | "webp";
  minzoom: number;
  maxzoom: number;
  bounds: LonLatBounds;
  metadata: Record<string, unknown>;
}

/**
 * Collects tiles and writes one PMTiles v3 archive.
 *
 * @example
 * ```ts
 * const archive = new PmtilesWriter("out.pmtiles");
 * archive.add(12, 812, 1470, png);
 * await archive.finish({ tileType: "png", minzoom: 12, maxzoom: 12, bounds, metadata: {} });
 * ```
 */
export class PmtilesWriter {
  private readonly spool: string;
  private readonly fd: number;
  private spooled = 0;
  private readonly tiles: Array<{ tileId: number; at: number; length: number; hash: string }> = [];

  constructor(private readonly path: string) {
    this.spool = temporaryName(path);
    this.fd = openSync(this.spool, "wx+");
  }

  /** Adds one tile's bytes. */
  add(z: number, x: number, y: number, data: Uint8Array): void {
    writeSync(this.fd, data, 0, data.length, this.spooled);
    const hash = createHash("sha256").update(data).digest("hex");
    this.tiles.push({ tileId: zxyToTileId(z, x, y), at: this.spooled, length: data.length, hash });
    this.spooled += data.length;
  }

  /** Writes the archive (atomically) and removes the spool. */
  async finish(description: ArchiveDescription): Promise<{ tiles: number; contents: number }> {
    const target = temporaryName(this.path);
    let out: number | undefined;
    try {
      this.tiles.sort((a, b) => a.tileId - b.tileId);
      const entries: Entry[] = [];
      const stored = new Map<string, { offset: number; length: number }>();
      const order: Array<{ at: number; length: number }> = [];
      let dataLength = 0;
      for (const tile of this.tiles) {
        let place = stored.get(tile.hash);
        if (!place) {
          place = { offset: dataLength, length: tile.length };
          stored.set(tile.hash, place);
          order.push({ at: tile.at, length: tile.length });
          dataLength += tile.length;
        }
        const last = entries[entries.length - 1];
        if (last && last.offset === place.offset && last.tileId + last.runLength === tile.tileId)
          last.runLength++;
        else entries.push({ tileId: tile.tileId, offset: place.offset, length: place.length, runLength: 1 });
      }
      const { root, leaves } = buildDirectories(entries);
      const metadata = gzipSync(Buffer.from(JSON.stringify(description.metadata)));
      const header = Buffer.alloc(127);
      const rootOffset = 127;
      const metadataOffset = rootOffset + root.length;
      const leavesOffset = metadataOffset + metadata.length;
      const dataOffset = leavesOffset + leaves.length;
      header.write("PMTiles", 0, "ascii");
      header.writeUInt8(3, 7);
      const u64 = (value: number, at: number) => header.writeBigUInt64LE(BigInt(value), at);
      u64(rootOffset, 8);
      u64(root.length, 16);
      u64(metadataOffset, 24);
      u64(metadata.length, 32);
      u64(leavesOffset, 40);
      u64(leaves.length, 48);
      u64(dataOffset, 56);
      u64(dataLength, 64);
      u64(this.tiles.length, 72);
      u64(entries.length, 80);
      u64(stored.size, 88);
      header.writeUInt8(1, 96); // clustered
      header.writeUInt8(2, 97); // internal compression: gzip
      header.writeUInt8(1, 98); // tile compression: none (PNG and WebP are compressed already)
      header.writeUInt8(description.tileType === "png" ? 2 : 4, 99);
      header.writeUInt8(description.minzoom, 100);
      header.writeUInt8(description.maxzoom, 101);
      const e7 = (deg: number) => Math.round(deg * 1e7);
      const { west, south, east, north } = description.bounds;
      header.writeInt32LE(e7(west), 102);
      header.writeInt32LE(e7(south), 106);
      header.writeInt32LE(e7(east), 110);
      header.writeInt32LE(e7(north), 114);
      header.writeUInt8(description.maxzoom, 118);
      header.writeInt32LE(e7((west + east) / 2), 119);
      header.writeInt32LE(e7((south + north) / 2), 123);
      out = openSync(target, "wx");
      let position = 0;
      for (const part of [header, root, metadata, leaves]) {
        writeSync(out, part, 0, part.length, position);
        position += part.length;
      }
      const buffer = Buffer.alloc(Math.max(1, ...order.map((o) => o.length)));
      for (const { at, length } of order) {
        readSync(this.fd, buffer, 0, length, at);
        writeSync(out, buffer, 0, length, position);
        position += length;
      }
      closeSync(out);
      out = undefined;
      await rename(target, this.path);
      return { tiles: this.tiles.length, contents: stored.size };
    } catch (error) {
      if (out !== undefined) closeSync(out);
      await unlink(target).catch(() => {});
      throw error;
    } finally {
      await this.discard();
    }
  }

  /** Removes the spool (after `finish`, or instead of it on failure). */
  async discard(): Promise<void> {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    await unlink(this.spool).catch(() => {});
  }
}
