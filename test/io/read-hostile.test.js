// Hostile inputs, each a generated file of the shape that once hung, ballooned, crashed or read silent garbage:
// every run must end within seconds and below 300 MiB (150 MiB for absurd headers), with a valid result or one
// `demgrad: <file>: …` line. Runs that could hang go through a child process with a deadline (test/io/hostile-run.js).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { createDeflate, deflateSync } from "node:zlib";
import { InputError, openDem, processDem, readDem, slope, terrainGradient } from "../../dist/index.js";
import { bandMetadata } from "../../dist/io/gdal-metadata.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";
import { assertEndsCleanly, buildTiff, int16Entries, runCli } from "./hostile-support.js";
import { checkAgainstGdal, gdalBand } from "./read-reference.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-hostile-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const NO_GDAL = !HAS_GDAL && "gdal-bin not installed";
const SOURCE = sample("storml_elev.tif"); // 143×107 Int16, elevations 2438…3046
const BLOCKS_64 = ["-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64"];

/** The offsets and sizes of the blocks of `file`, as GDAL reports them. */
function blockPlaces(file, across, down) {
  const script = `
from osgeo import gdal
import sys, json
ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(1)
print(json.dumps([[int(b.GetMetadataItem("BLOCK_OFFSET_%d_%d" % (c, r), "TIFF")),
                   int(b.GetMetadataItem("BLOCK_SIZE_%d_%d" % (c, r), "TIFF"))]
                  for r in range(int(sys.argv[3])) for c in range(int(sys.argv[2]))]))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, file, String(across), String(down)]));
}

/** A copy of `file` with `edit(bytes)` applied. */
function damaged(file, name, edit) {
  const bytes = Buffer.from(readFileSync(file));
  edit(bytes);
  const out = `${dir}/${name}`;
  writeFileSync(out, bytes);
  return out;
}

describe("ZSTD", { skip: NO_GDAL }, () => {
  // storml_elev.tif as GDAL writes it with ZSTD in 64×64 tiles: 3 × 2 tiles.
  const zstd = `${dir}/zstd.tif`;
  let places;
  test("the corpus: GDAL's ZSTD tiles", () => {
    gdal("gdal_translate", ["-q", "-co", "COMPRESS=ZSTD", "-co", "TILED=YES", ...BLOCKS_64, SOURCE, zstd]);
    places = blockPlaces(zstd, 3, 2);
    assert.equal(places.length, 6);
  });

  test("a few flipped bytes inside one tile: info and slope end at once with a one-line error", () => {
    // geotiff.js's ZSTD decoder spun for ever on each of these.
    const outcomes = [];
    for (const at of [20, 100, 2000]) {
      const [offset, size] = places[1];
      const file = damaged(zstd, `zstd-flip-${at}.tif`, (b) => {
        for (let k = 0; k < 3; k++) b[offset + Math.min(size - 1, at + 7 * k)] ^= 0xff;
      });
      const message = /^corrupt ZSTD data: .* \(block 0, 1\)$/;
      assertEndsCleanly(runCli(["info", file]), { file, message });
      const out = `${dir}/zstd-flip-${at}-slope.tif`;
      const run = runCli(["slope", file, out]);
      assertEndsCleanly(run, { file, message });
      assert.equal(existsSync(out), run.status === 0, "an output exactly when the run succeeded");
      outcomes.push(run.status);
    }
    assert.ok(outcomes.includes(1), `some damage is detected: exit statuses ${outcomes}`);
  });

  test("damaged tiles are refused, never read as garbage", async () => {
    // Several tiles damaged at once (the shape that read as −32768…32765 instead of 2438…3046).
    const file = damaged(zstd, "zstd-damaged.tif", (b) => {
      for (const [offset, size] of places.slice(2))
        b.fill(0x5a, offset + Math.floor(size / 3), offset + Math.floor(size / 2));
    });
    await assert.rejects(readDem(file), (e) => {
      assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`);
      assert.match(e.message, /^corrupt ZSTD data: .* \(block 0, 2\)$/);
      return true;
    });
    // The intact first tile still reads as GDAL reads it.
    const dem = await openDem(file);
    const window = await dem.readWindow({ x: 0, y: 0, width: 64, height: 64 });
    await dem.close();
    const reference = gdalBand(dir, zstd, 1, "Int16", ["-srcwin", "0", "0", "64", "64"]);
    assert.deepEqual(Array.from(window), Array.from(reference));
  });
});

/** A raw (uncompressed-block) ZSTD frame of `bytes`: magic, a single-segment header with the content size, one block. */
function zstdFrameOf(bytes) {
  if (bytes.length >= 65536) return undefined;
  // Frame_Header_Descriptor 0x60: single segment, 2-byte content size (stored as size − 256).
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x60, 0, 0]);
  header.writeUInt16LE(bytes.length - 256, 5);
  const block = Buffer.alloc(3);
  const blockHeader = 1 | (bytes.length << 3); // the last block, raw (type 0)
  block.writeUIntLE(blockHeader, 0, 3);
  return Buffer.concat([header, block, bytes]);
}

describe("decoded sizes", () => {
  /** One 64×64 Int16 tile of `compression` holding `stored`. */
  const tiled = (name, compression, stored, extra = []) => {
    const { bytes } = buildTiff(int16Entries(64, 64, { tile: 64, compression, extra }), [stored]);
    const file = `${dir}/${name}`;
    writeFileSync(file, bytes);
    return file;
  };

  test("a DEFLATE tile that inflates to 400 MB: refused, peak memory bounded", async () => {
    const bomb = await deflateZeros(400 * 2 ** 20);
    const file = tiled("deflate-bomb.tif", 8, bomb);
    const run = runCli(["info", file]);
    assertEndsCleanly(run, {
      file,
      mustFail: true,
      mib: 150,
      message: /^decodes to more bytes than the block holds \(block 0, 0\)$/,
    });
  });

  const cases = {
    "DEFLATE, half a tile": [8, deflateSync(Buffer.alloc(4096)), /DEFLATE data decode to 4096 bytes/],
    "DEFLATE, a tile and a row": [8, deflateSync(Buffer.alloc(8192 + 128)), /^decodes to more bytes/],
    "ZSTD, half a tile": [50000, zstdFrameOf(Buffer.alloc(4096)), /ZSTD data decode to 4096 bytes/],
    "PackBits, a tile and a run": [32773, packBits(8192 + 100), /^decodes to more bytes/],
    "PackBits, half a tile": [
      32773,
      packBitsLiterals(Buffer.alloc(4096, 7)),
      /PackBits data decode to 4096 bytes/,
    ],
  };
  for (const [name, [compression, stored, message]] of Object.entries(cases)) {
    test(`${name}: refused, naming the file and the block`, async () => {
      const file = tiled(`size-${name.replace(/\W+/g, "_")}.tif`, compression, stored);
      await assert.rejects(readDem(file), (e) => {
        assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`);
        assert.equal(e.file, file);
        assert.match(e.message, message);
        assert.match(e.message, /\(block 0, 0\)$/);
        return true;
      });
    });
  }

  test("an uncompressed tile of half its size: refused at open", async () => {
    const file = tiled("size-uncompressed-half.tif", 1, Buffer.alloc(4096));
    await assert.rejects(openDem(file), {
      name: "InputError",
      message: /^corrupt TIFF: 4096 bytes of uncompressed data cannot hold a 64×64 raster$/,
    });
  });

  test("the same tiles at their right size read back", async () => {
    const values = Int16Array.from({ length: 4096 }, (_, i) => (i * 37) % 3000);
    const raw = Buffer.from(values.buffer);
    const literals = Buffer.concat(
      Array.from({ length: 64 }, (_, k) =>
        Buffer.concat([Buffer.from([127]), raw.subarray(k * 128, k * 128 + 128)]),
      ),
    );
    for (const [compression, stored] of [
      [1, raw],
      [8, deflateSync(raw)],
      [50000, zstdFrameOf(raw)],
      [32773, literals],
    ]) {
      const dem = await readDem(tiled(`right-${compression}.tif`, compression, stored));
      assert.deepEqual(Array.from(dem.data), Array.from(values), `compression ${compression}`);
    }
  });
});

/** PackBits data of `bytes` as literal runs of 128. */
function packBitsLiterals(bytes) {
  const runs = [];
  for (let k = 0; k < bytes.length; k += 128) runs.push(Buffer.from([127]), bytes.subarray(k, k + 128));
  return Buffer.concat(runs);
}

/** PackBits data of `n` zero bytes in repeat runs of 128. */
function packBits(n) {
  const runs = [];
  for (let left = n; left > 0; left -= 128) runs.push(1 - Math.min(128, left) + 256, 0);
  return Buffer.from(runs.map((v) => v & 0xff));
}

/** DEFLATE of `n` zero bytes, compressed as a stream (never `n` bytes in memory). */
async function deflateZeros(n) {
  const z = createDeflate({ level: 9 });
  const parts = [];
  z.on("data", (d) => parts.push(d));
  const done = new Promise((resolve) => z.on("end", resolve));
  const zero = Buffer.alloc(1 << 20);
  for (let left = n; left > 0; left -= zero.length) {
    if (!z.write(zero.subarray(0, Math.min(left, zero.length)))) await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await done;
  return Buffer.concat(parts);
}

describe("GDAL_METADATA", () => {
  test("text built to make a regular expression backtrack parses in linear time", () => {
    const hostile = [
      `<GDALMetadata>${"<Item>".repeat(200_000)}`,
      `<GDALMetadata>${'<Item name="SCALE" sample="0" role="scale">'.repeat(50_000)}`,
      `<GDALMetadata><Item ${'a="1" '.repeat(100_000)}`,
      `<GDALMetadata>${"<Item a".repeat(100_000)}>`,
    ];
    for (const xml of hostile) {
      const started = performance.now();
      bandMetadata(xml, 0);
      const ms = performance.now() - started;
      assert.ok(ms < 500, `${xml.slice(0, 40)}…: ${Math.round(ms)} ms`);
    }
  });

  test("the items GDAL writes still parse", () => {
    const xml = `<GDALMetadata>
  <Item name="SCALE" sample="0" role="scale">0.5</Item>
  <Item name='OFFSET' role='offset' sample='0'>10</Item>
  <Item name="UNITTYPE" sample="0" role="unittype">m &amp;amp; m</Item>
  <Item name="SCALE" sample="1" role="scale">2</Item>
  <Item name="EMPTY" sample="0"/>
  <Items name="NOT" sample="0">x</Items>
</GDALMetadata>`;
    assert.deepEqual(
      [...bandMetadata(xml, 0)],
      [
        ["SCALE", "0.5"],
        ["OFFSET", "10"],
        ["UNITTYPE", "m & m"],
        ["EMPTY", ""],
      ],
    );
    assert.deepEqual([...bandMetadata(xml, 1)], [["SCALE", "2"]]);
  });

  test("a file with such text opens at once", () => {
    const xml = `<GDALMetadata>${"<Item>".repeat(300_000)}</GDALMetadata>`;
    const { bytes } = buildTiff(int16Entries(8, 8, { extra: [[42112, 2, xml]] }), [Buffer.alloc(128)]);
    const file = `${dir}/metadata-backtrack.tif`;
    writeFileSync(file, bytes);
    assertEndsCleanly(runCli(["info", file]), { file, ms: 5000 });
  });
});

describe("absurd headers are refused at open from their arithmetic", () => {
  const cases = {
    "10⁶×10⁶ in one strip": [
      int16Entries(1e6, 1e6),
      [Buffer.alloc(64)],
      /^unsupported layout: strips of 1000000×1000000 pixels/,
    ],
    "10⁶×10⁶ in 10⁶ strips (their offsets past the end)": [
      int16Entries(1e6, 1e6, { rows: 1 }),
      [Buffer.alloc(64), Buffer.alloc(64)],
      /^truncated or corrupt TIFF: the values of tag 273 \(StripOffsets\) lie past the end of the file$/,
      { 273: 1e6, 279: 1e6 },
    ],
    "10⁵×10⁵ in 100 DEFLATE strips of 100 bytes": [
      int16Entries(1e5, 1e5, { rows: 1000, compression: 8 }),
      Array.from({ length: 100 }, () => Buffer.alloc(100)),
      /^corrupt TIFF: 10000 bytes of DEFLATE data cannot hold a 100000×100000 raster$/,
    ],
    "10⁶×10⁶ in 65536² tiles": [
      int16Entries(1e6, 1e6, { tile: 65536 }),
      Array.from({ length: 256 }, () => Buffer.alloc(2)),
      /^unsupported layout: tiles of 65536×65536 pixels \(8192 MiB; at most 256 MiB\)$/,
    ],
  };
  for (const [name, [entries, blocks, message, counts = {}]] of Object.entries(cases)) {
    test(name, () => {
      const file = `${dir}/absurd-${name.replace(/\W+/g, "_")}.tif`;
      const { bytes } = buildTiff(entries, blocks);
      for (const [tag, count] of Object.entries(counts)) setCount(bytes, Number(tag), count);
      writeFileSync(file, bytes);
      assertEndsCleanly(runCli(["info", file]), { file, mustFail: true, ms: 1500, mib: 150, message });
    });
  }

  test("a StripOffsets count of 2²⁸ (values past the end)", () => {
    // The directory claims 2²⁸ LONG offsets (1 GiB) in a file of a few hundred bytes.
    const { bytes } = buildTiff(int16Entries(1 << 14, 1 << 14, { rows: 1 }), [
      Buffer.alloc(64),
      Buffer.alloc(64),
    ]);
    setCount(bytes, 273, 2 ** 28);
    const file = `${dir}/absurd-strip-count.tif`;
    writeFileSync(file, bytes);
    assertEndsCleanly(runCli(["info", file]), {
      file,
      mustFail: true,
      ms: 1500,
      mib: 150,
      message:
        /^truncated or corrupt TIFF: the values of tag 273 \(StripOffsets\) lie past the end of the file$/,
    });
  });
});

/** Sets the value count of `tag` in the (little-endian, classic) directory of `bytes`, values left where they are. */
function setCount(bytes, tag, count) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ifd = view.getUint32(4, true);
  for (let k = 0; k < view.getUint16(ifd, true); k++) {
    const e = ifd + 2 + k * 12;
    if (view.getUint16(e, true) === tag) view.setUint32(e + 4, count, true);
  }
}

describe("truncation", () => {
  test("a file that shrinks while it is read: the read fails, naming the block, and no output is left", async () => {
    const file = `${dir}/shrinking.tif`;
    writeFileSync(file, readFileSync(SOURCE)); // DEFLATE strips of 28 rows
    const dem = await openDem(file);
    await dem.readRows(0, 28);
    truncateSync(file, 6000); // inside the second strip
    const out = `${dir}/shrinking-slope.tif`;
    await assert.rejects(processDem(dem, { slope: out }, { spacing: "nominal" }), (e) => {
      assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`);
      assert.equal(e.file, file);
      assert.match(e.message, /^truncated while reading \(block \d+, 0\)$/);
      return true;
    });
    await dem.close();
    assert.ok(!existsSync(out), "no slope written");
  });

  test("trailing tag arrays cut: refused before any pixel", async () => {
    const entries = int16Entries(8, 8, {
      extra: [
        [33550, 12, [30, 30, 0]],
        [33922, 12, [0, 0, 0, 500000, 4100000, 0]],
        [34735, 3, [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32611]],
        [42113, 2, "-9999"],
      ],
    });
    const { bytes, valuesStart } = buildTiff(entries, [Buffer.alloc(128)]);
    const whole = `${dir}/tags-whole.tif`;
    writeFileSync(whole, bytes);
    const intact = await readDem(whole);
    assert.equal(intact.georef.crs.epsg, 32611);
    assert.equal(intact.nodata, -9999);
    for (const cut of [bytes.length - 4, valuesStart + 20]) {
      const file = `${dir}/tags-cut-${cut}.tif`;
      writeFileSync(file, bytes.subarray(0, cut));
      await assert.rejects(readDem(file), (e) => {
        assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`);
        assert.match(
          e.message,
          /^truncated or corrupt TIFF: the values of tag \d+ .* lie past the end of the file$/,
        );
        return true;
      });
    }
  });
});

describe("GeoKeys of a damaged input are validated", { skip: NO_GDAL }, () => {
  test("keys pointing outside their parameter tags are dropped with a warning; GDAL reads the slope cleanly", () => {
    // A geographic sample whose GeoKeys are edited like the fuzzer's damaged inputs: one key's location is a tag
    // that is not a GeoKey tag ("Key … of unknown type"), one reads past GeoDoubleParams ("has only 3 values").
    const source = `${dir}/geokeys.tif`;
    gdal("gdal_translate", ["-q", "-co", "TILED=NO", sample("dem-hills.tiff"), source]);
    const bytes = Buffer.from(readFileSync(source));
    const keys = readGeoKeyDirectory(bytes);
    assert.ok(keys.entries.length >= 3, "the sample has GeoKeys");
    keys.set(0, { location: 4242 });
    keys.set(1, { location: 34736, count: 7, offset: 0 });
    const file = `${dir}/geokeys-damaged.tif`;
    writeFileSync(file, bytes);
    const out = `${dir}/geokeys-slope.tif`;
    const run = runCli(["slope", file, out, "--spacing", "nominal"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /^demgrad: warning: GeoKeys \d+, \d+: value outside the GeoKey tags or repeated; ignored$/m,
    );
    const info = gdal("gdalinfo", [out]);
    assert.doesNotMatch(info.stderr, /unknown type|GeoDoubleParams|Warning|ERROR/i);
  });
});

test("transform tags with counts the GeoTIFF spec does not allow are dropped with a warning", async () => {
  const entries = int16Entries(8, 8, {
    extra: [
      [33550, 12, [30, 30, 0, 7]],
      [33922, 12, [0, 0, 0, 500000, 4100000]],
      [34264, 12, [1, 0, 0, 500000, 0, -1, 0, 4100000, 0, 0, 0, 0, 0, 0, 0, Number.NaN]],
    ],
  });
  const file = `${dir}/transform-tags.tif`;
  writeFileSync(file, buildTiff(entries, [Buffer.alloc(128)]).bytes);
  const warnings = [];
  const dem = await readDem(file, { warn: (w) => warnings.push(w) });
  assert.deepEqual(dem.georef.tags, {});
  assert.equal(dem.georef.geoTransform, undefined);
  for (const [tag, count] of [
    ["33550 (ModelPixelScale)", 4],
    ["33922 (ModelTiepoint)", 5],
    ["34264 (ModelTransformation)", 16],
  ]) {
    assert.ok(warnings.includes(`tag ${tag} has ${count} unusable values; ignored`), warnings.join("; "));
  }
});

/** The GeoKeyDirectory (SHORT values out of line) of a little-endian classic TIFF, editable in place. */
function readGeoKeyDirectory(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ifd = view.getUint32(4, true);
  let at;
  let count;
  for (let k = 0; k < view.getUint16(ifd, true); k++) {
    const e = ifd + 2 + k * 12;
    if (view.getUint16(e, true) === 34735) {
      count = view.getUint32(e + 4, true);
      at = view.getUint32(e + 8, true);
    }
  }
  const n = view.getUint16(at + 6, true);
  const entries = Array.from({ length: n }, (_, k) => at + 8 + k * 8);
  return {
    entries,
    count,
    set(k, { location, count: c, offset }) {
      const e = entries[k];
      if (location !== undefined) view.setUint16(e + 2, location, true);
      if (c !== undefined) view.setUint16(e + 4, c, true);
      if (offset !== undefined) view.setUint16(e + 6, offset, true);
    },
  };
}

describe("LERC", { skip: NO_GDAL }, () => {
  test("a blob header with a negative micro-block size (checksum intact): refused, not read as garbage", async () => {
    const lerc = `${dir}/lerc.tif`;
    gdal("gdal_translate", ["-q", "-co", "COMPRESS=LERC", "-co", "TILED=YES", ...BLOCKS_64, SOURCE, lerc]);
    const [[offset]] = blockPlaces(lerc, 1, 1);
    const file = damaged(lerc, "lerc-micro-block.tif", (b) => {
      const view = new DataView(b.buffer, b.byteOffset + offset);
      assert.equal(view.getInt32(6, true), 4, "a Lerc2 v4 blob"); // keys at 14: height, width, depth, valid, micro
      view.setInt32(30, -8, true);
      // The Fletcher-32 checksum over the blob after it, as Lerc2 computes it, so only the header check can object.
      const blobSize = view.getInt32(34, true);
      view.setUint32(
        10,
        fletcher32(new Uint8Array(b.buffer, b.byteOffset + offset + 14, blobSize - 14)),
        true,
      );
    });
    await assert.rejects(readDem(file), {
      name: "InputError",
      message: /^corrupt LERC data: inconsistent blob header \(block 0, 0\)$/,
    });
  });
});

/** Lerc2's Fletcher-32 checksum. */
function fletcher32(bytes) {
  let sum1 = 0xffff;
  let sum2 = 0xffff;
  let i = 0;
  for (let words = Math.floor(bytes.length / 2); words > 0; ) {
    let n = Math.min(words, 359);
    words -= n;
    for (; n > 0; n--) {
      sum1 += bytes[i++] << 8;
      sum1 += bytes[i++];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (bytes.length & 1) {
    sum1 += bytes[i] << 8;
    sum2 += sum1;
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

describe("LZW", { skip: NO_GDAL }, () => {
  test("flipped bytes in LZW data: a valid result or a one-line error, never a crash", () => {
    const lzw = `${dir}/lzw.tif`;
    gdal("gdal_translate", ["-q", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=2", SOURCE, lzw]);
    const places = blockPlaces(lzw, 1, 4);
    let seed = 57;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 4; run++) {
      const file = damaged(lzw, `lzw-flip-${run}.tif`, (b) => {
        for (let k = 0; k < 57; k++) {
          const [offset, size] = places[Math.floor(random() * places.length)];
          b[offset + Math.floor(random() * size)] ^= 1 << Math.floor(random() * 8);
        }
      });
      assertEndsCleanly(runCli(["info", file]), { file });
    }
  });

  test("LZW data whose code table overflows without a Clear code: one line, no crash", () => {
    // Codes at the widths the decoder expects: Clear, then 'A' and ever longer strings of 'A' (each code the
    // newest entry) until the table is full, then more codes. geotiff.js's decoder followed entries past its table
    // and died of a V8 fatal error.
    const codes = [256, 65];
    let next = 258;
    let width = 9;
    const widths = [9, 9];
    while (codes.length < 4200) {
      codes.push(Math.min(next, 4095));
      widths.push(width);
      if (next < 4096) next++;
      if (next >= (1 << width) - 1 && width < 12) width++;
    }
    const bits = codes.map((c, k) => c.toString(2).padStart(widths[k], "0")).join("");
    const stored = Buffer.from(
      bits
        .padEnd(Math.ceil(bits.length / 8) * 8, "0")
        .match(/.{8}/g)
        .map((b) => parseInt(b, 2)),
    );
    // Padding after the codes keeps the block plausible for its size (it is never reached).
    const padded = Buffer.concat([stored, Buffer.alloc(4096)]);
    const { bytes } = buildTiff(int16Entries(2048, 2048, { compression: 5, rows: 2048 }), [padded]);
    const file = `${dir}/lzw-overflow.tif`;
    writeFileSync(file, bytes);
    assertEndsCleanly(runCli(["info", file]), {
      file,
      mustFail: true,
      message: /^corrupt LZW data: the code table is full and no Clear code follows \(block 0, 0\)$/,
    });
  });

  test("LZW data with codes past the table or the block end", async () => {
    // 9-bit codes, MSB first: Clear, 'A', then code 400 (not yet in the table), EOI.
    const codes = [256, 65, 400, 257];
    const bits = codes.map((c) => c.toString(2).padStart(9, "0")).join("");
    const stored = Buffer.from(
      bits
        .padEnd(Math.ceil(bits.length / 8) * 8, "0")
        .match(/.{8}/g)
        .map((b) => parseInt(b, 2)),
    );
    const { bytes } = buildTiff(int16Entries(4, 4, { compression: 5 }), [stored]);
    const file = `${dir}/lzw-bad-code.tif`;
    writeFileSync(file, bytes);
    await assert.rejects(
      readDem(file),
      /^InputError: corrupt LZW data: code 400 not in the table \(block 0, 0\)$/,
    );
  });
});

describe("odd files", () => {
  test("a FIFO is refused at once (no blocking read)", { skip: process.platform === "win32" }, () => {
    const fifo = `${dir}/dem.fifo`;
    execFileSync("mkfifo", [fifo]);
    const run = runCli(["info", fifo], { timeout: 10_000 });
    assertEndsCleanly(run, { file: fifo, mustFail: true, ms: 3000, message: /^not a regular file$/ });
  });

  test("big-endian GeoTIFF from gdal_translate -co ENDIANNESS=BIG reads like GDAL", {
    skip: NO_GDAL,
  }, async () => {
    for (const name of ["inldata_dem.tif", "storml_elev.tif"]) {
      const file = `${dir}/big-endian-${name}`;
      gdal("gdal_translate", ["-q", "-co", "ENDIANNESS=BIG", sample(name), file]);
      await checkAgainstGdal(dir, file);
    }
  });

  test("SampleFormat and BitsPerSample given once for 3 bands", { skip: NO_GDAL }, async () => {
    const width = 5;
    const height = 4;
    const values = Int16Array.from({ length: width * height * 3 }, (_, i) => (i % 3) * 1000 - i);
    const { bytes } = buildTiff(
      [
        [256, 4, [width]],
        [257, 4, [height]],
        [258, 3, [16]],
        [259, 3, [1]],
        [262, 3, [1]],
        [273, 4, "offsets"],
        [277, 3, [3]],
        [278, 4, [height]],
        [279, 4, "counts"],
        [284, 3, [1]],
        [338, 3, [0, 0]],
        [339, 3, [2]],
      ],
      [Buffer.from(values.buffer)],
    );
    const file = `${dir}/three-bands-once.tif`;
    writeFileSync(file, bytes);
    for (const band of [1, 2, 3]) await checkAgainstGdal(dir, file, band);
  });
});

describe("readDem options", () => {
  const cases = [
    [
      { nodata: "abc" },
      TypeError,
      /^readDem: option nodata must be a number \(NaN allowed\), got "abc" \(a string\)$/,
    ],
    [{ band: "1" }, TypeError, /^readDem: option band must be a number, got "1" \(a string\)$/],
    [{ band: 0 }, RangeError, /^readDem: option band must be a whole number of at least 1, got 0$/],
    [{ warn: "yes" }, TypeError, /^readDem: option warn must be a function/],
    [
      { window: { x: 0, y: 0, width: "9", height: 1 } },
      TypeError,
      /^readDem: option window\.width must be a number/,
    ],
    [
      { window: { x: -1, y: 0, width: 1, height: 1 } },
      RangeError,
      /^readDem: option window\.x must be a whole/,
    ],
  ];
  for (const [options, Type, message] of cases) {
    test(JSON.stringify(options), async () => {
      await assert.rejects(readDem(SOURCE, options), (e) => {
        assert.ok(e instanceof Type, `${e?.name}: ${e?.message}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }
  test("a source of the wrong type", async () => {
    await assert.rejects(readDem(42), { name: "TypeError", message: /^readDem: the source must be a path/ });
  });
});

describe("scale and offset", { skip: NO_GDAL }, () => {
  test("library slope of a scaled DEM equals the CLI's", async () => {
    const file = `${dir}/scaled.tif`;
    gdal("gdal_translate", ["-q", "-a_scale", "0.5", "-a_offset", "10", sample("dtm.tif"), file]);
    const dem = await readDem(file);
    assert.deepEqual([dem.scale, dem.offset], [0.5, 10]);
    const library = slope(terrainGradient(dem));
    const out = `${dir}/scaled-slope.tif`;
    const run = runCli(["slope", file, out]);
    assert.equal(run.status, 0, run.stderr);
    const cli = (await readDem(out)).data; // the file's −9999 read as NaN, as the library gives it
    assert.equal(library.length, cli.length);
    // terrainGradient hands out float32 gradients and the CLI takes slope from float64 ones: they agree to one
    // float32 rounding (measured: 1.19e-7 relative, on the scaled and the unscaled DEM alike).
    for (let i = 0; i < cli.length; i++) {
      const same = Number.isNaN(cli[i])
        ? Number.isNaN(library[i])
        : Math.abs(library[i] - cli[i]) <= 3.6e-7 * cli[i];
      if (!same) assert.fail(`pixel ${i}: library ${library[i]}, CLI ${cli[i]}`);
    }
    // And both differ from the slope of the stored values (the scale halves every elevation difference).
    const stored = await readDem(sample("dtm.tif"));
    const unscaled = slope(terrainGradient(stored));
    const k = cli.findIndex((v, i) => v > 5 && !Number.isNaN(unscaled[i]));
    assert.ok(k >= 0 && Math.abs(unscaled[k] - cli[k]) > 1, `slope ${cli[k]} vs unscaled ${unscaled[k]}`);
  });

  test("library gradient of a scaled DEM equals the CLI's bit for bit", async () => {
    const file = `${dir}/scaled-gradient.tif`;
    gdal("gdal_translate", ["-q", "-a_scale", "0.5", "-a_offset", "10", sample("dtm.tif"), file]);
    const { dzdx, dzdy } = terrainGradient(await readDem(file));
    const out = `${dir}/scaled-gradient-out.tif`;
    const run = runCli(["gradient", file, out]);
    assert.equal(run.status, 0, run.stderr);
    for (const [band, library] of [
      [1, dzdx],
      [2, dzdy],
    ]) {
      const cli = (await readDem(out, { band })).data;
      assert.equal(cli.length, library.length);
      for (let i = 0; i < cli.length; i++) {
        // The CLI writes nodata as −9999, which readDem gives back as NaN, as the library does.
        const same = Number.isNaN(library[i]) ? Number.isNaN(cli[i]) : cli[i] === library[i];
        if (!same) assert.fail(`band ${band} pixel ${i}: library ${library[i]}, CLI ${cli[i]}`);
      }
    }
  });
});
