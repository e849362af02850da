// The PMTiles v3 archive, read back with the `pmtiles` package (protomaps' reader): the same tiles as the folder,
// header facts, deduplication and leaf directories.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { PMTiles, TileType, zxyToTileId as theirTileId } from "pmtiles";
import { PmtilesWriter, zxyToTileId } from "../../dist/tiles/pmtiles.js";
import { demgrad } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { listTiles } from "./support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-pmtiles-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A `pmtiles` Source over a file in memory. */
function archive(path) {
  const bytes = readFileSync(path);
  return new PMTiles({
    getKey: () => path,
    getBytes: async (offset, length) => ({
      data: bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length),
    }),
  });
}

test("TileIds follow the Hilbert curve as the pmtiles reader numbers them", () => {
  for (let z = 0; z <= 12; z++) {
    const n = 2 ** z;
    for (let k = 0; k < 200; k++) {
      const x = Math.floor((k * 7919) % n);
      const y = Math.floor((k * 104729 + z) % n);
      assert.equal(zxyToTileId(z, x, y), theirTileId(z, x, y), `${z}/${x}/${y}`);
    }
  }
  assert.equal(zxyToTileId(26, 2 ** 26 - 1, 0), theirTileId(26, 2 ** 26 - 1, 0));
  assert.throws(() => zxyToTileId(2, 4, 0), RangeError);
});

const UTM = "sdts_8821_oregon_basin_wy.tif";

describe("archive of a DEM", { skip: missing(UTM) }, () => {
  test("holds exactly the folder's tiles, byte for byte, with the header and metadata of the set", async () => {
    const folder = `${dir}/folder`;
    const file = `${dir}/set.pmtiles`;
    for (const out of [folder, file]) {
      const r = demgrad(["tiles", sample(UTM), out, "--zoom", "9-14", "-q"]);
      assert.equal(r.status, 0, r.stderr);
    }
    const tiles = listTiles(folder);
    const reader = archive(file);
    const header = await reader.getHeader();
    assert.equal(header.specVersion, 3);
    assert.equal(header.tileType, TileType.Png);
    assert.equal(header.minZoom, 9);
    assert.equal(header.maxZoom, 14);
    assert.equal(header.numAddressedTiles, tiles.length);
    assert.equal(header.clustered, true);
    const tilejson = JSON.parse(readFileSync(`${folder}/tiles.json`, "utf8"));
    assert.ok(
      Math.abs(header.minLon - tilejson.bounds[0]) < 1e-6 &&
        Math.abs(header.maxLat - tilejson.bounds[3]) < 1e-6,
    );
    for (const tile of tiles) {
      const [z, x, y] = tile.split("/").map(Number);
      const got = await reader.getZxy(z, x, y);
      assert.ok(got, `${tile} missing from the archive`);
      assert.deepEqual(Buffer.from(got.data), readFileSync(`${folder}/${tile}.png`), tile);
    }
    // Tiles the folder leaves out (no data) are not in the archive either.
    const present = new Set(tiles);
    let absent = 0;
    for (const [z, x, y] of [
      [14, 3230, 5925],
      [14, 3230, 5930],
      [9, 0, 0],
    ]) {
      if (present.has(`${z}/${x}/${y}`)) continue;
      assert.equal(await reader.getZxy(z, x, y), undefined);
      absent++;
    }
    assert.ok(absent > 0);
    const metadata = await reader.getMetadata();
    assert.equal(metadata.tilejson, "3.0.0");
    assert.equal(metadata.minzoom, 9);
  });
});

describe("writer", () => {
  test("stores identical tiles once, in runs, and spills a large directory into leaves", async () => {
    const file = `${dir}/many.pmtiles`;
    const writer = new PmtilesWriter(file);
    const same = Buffer.from("same tile");
    const expected = new Map();
    // 40 000 tiles at zoom 8: every third one shares its bytes with the others.
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 200; x++) {
        const data = (x + y) % 3 === 0 ? same : Buffer.from(`tile ${x} ${y}`);
        writer.add(8, x, y, data);
        expected.set(`${x}/${y}`, data);
      }
    }
    const bounds = { west: -180, south: -85, east: 180, north: 85 };
    await writer.finish({ tileType: "webp", minzoom: 8, maxzoom: 8, bounds, metadata: { name: "many" } });
    const reader = archive(file);
    const header = await reader.getHeader();
    assert.equal(header.tileType, TileType.Webp);
    assert.equal(header.numAddressedTiles, 40_000);
    assert.ok(header.numTileContents < 40_000 - 13_000, `${header.numTileContents} contents`);
    assert.ok(
      header.rootDirectoryOffset + header.rootDirectoryLength <= 16384,
      "root within the first 16 KiB",
    );
    assert.ok(header.leafDirectoryLength > 0, "leaf directories");
    for (let k = 0; k < 500; k++) {
      const x = (k * 37) % 200;
      const y = (k * 91) % 200;
      const got = await reader.getZxy(8, x, y);
      assert.deepEqual(Buffer.from(got.data), expected.get(`${x}/${y}`), `8/${x}/${y}`);
    }
    assert.equal(await reader.getZxy(8, 200, 0), undefined);
    assert.deepEqual(await reader.getMetadata(), { name: "many" });
  });
});
