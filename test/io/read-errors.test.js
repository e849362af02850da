// Every way a DEM source can be wrong ends in one InputError naming the file — never a raw geotiff.js exception
// or RangeError — and http(s) sources are read with range requests.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { fromFile } from "geotiff";
import { InputError, openDem, readDem } from "../../dist/index.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-read-errors-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const STRIPPED = sample("storml_elev.tif"); // 143×107 Int16, DEFLATE strips of 28 rows

/** Asserts that `promise` rejects with an InputError of `code` about `file` whose message matches `message`. */
async function rejectsWith(promise, { file, code = "INPUT", message }) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, code);
    assert.equal(e.file, file);
    assert.match(e.message, message);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

describe("bad files", () => {
  const cases = {
    missing: [undefined, /^no such file$/],
    empty: ["", /^empty file$/],
    "text named .tif": ["elevation,x,y\n1,2,3\n", /^not a TIFF file$/],
    "PNG named .tif": [Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), /^not a TIFF file$/],
    "7 bytes": [Buffer.from("II*\0\0\0\0"), /^not a TIFF file$/],
  };
  for (const [name, [content, message]] of Object.entries(cases)) {
    test(name, async () => {
      const file = `${dir}/bad-${name.replace(/\W+/g, "_")}.tif`;
      if (content !== undefined) writeFileSync(file, content);
      await rejectsWith(readDem(file), { file, message });
    });
  }

  test("a folder", async () => {
    const folder = `${dir}/folder.tif`;
    mkdirSync(folder);
    await rejectsWith(openDem(folder), { file: folder, message: /^is a folder, not a GeoTIFF$/ });
  });

  test("truncated TIFF: block offsets past the end of the file", async () => {
    const file = `${dir}/truncated.tif`;
    const bytes = readFileSync(STRIPPED);
    writeFileSync(file, bytes.subarray(0, 3000));
    const message =
      /^truncated or corrupt TIFF: data block \d+ ends at byte \d+, past the end of the file \(3000 bytes\)$/;
    await rejectsWith(openDem(file), { file, message });
    const buffer = new Uint8Array(bytes.subarray(0, 3000)).buffer;
    await rejectsWith(openDem(buffer), { file: "<buffer>", message });
  });

  test("corrupt compressed data: an InputError from readRows, not a zlib error", async () => {
    const bytes = Buffer.from(readFileSync(STRIPPED));
    const tiff = await fromFile(STRIPPED); // geotiff.js itself finds the second strip
    const image = await tiff.getImage();
    const offset = Number((await image.fileDirectory.loadValue("StripOffsets"))[1]);
    await tiff.close();
    bytes.fill(0xa5, offset, offset + 64);
    const file = `${dir}/corrupt-strip.tif`;
    writeFileSync(file, bytes);
    const dem = await openDem(file);
    await dem.readRows(0, 28); // the first strip is intact
    await rejectsWith(dem.readRows(28, 28), { file, message: /^corrupt DEFLATE data: .* \(block 1, 0\)$/ });
    await dem.close();
  });
});

describe("unsupported files", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  const cases = {
    "JPEG compression": [
      ["-ot", "Byte", "-scale", "-co", "COMPRESS=JPEG"],
      /^unsupported compression JPEG \(code 7\)$/,
    ],
    // TIFF counts the bits of a whole complex value: CInt16 is 32 bits per sample.
    "complex samples": [["-ot", "CInt16"], /^unsupported sample format: complex integer, 32 bits$/],
    "16-bit floats": [
      ["-ot", "Float32", "-co", "NBITS=16"],
      /^unsupported sample format: floating point, 16 bits$/,
    ],
    "4-bit samples": [
      ["-ot", "Byte", "-scale", "2400", "3100", "0", "15", "-a_nodata", "none", "-co", "NBITS=4"],
      /^unsupported sample format: unsigned integer, 4 bits$/,
    ],
  };
  for (const [name, [args, message]] of Object.entries(cases)) {
    test(name, async () => {
      const file = `${dir}/${name.replace(/\W+/g, "_")}.tif`;
      gdal("gdal_translate", ["-q", ...args, STRIPPED, file]);
      await rejectsWith(openDem(file), { file, code: "UNSUPPORTED", message });
    });
  }
});

describe("bad requests", () => {
  test("band out of range", async () => {
    await rejectsWith(openDem(STRIPPED, { band: 3 }), {
      file: STRIPPED,
      message: /^band 3 requested but the file has 1 band$/,
    });
    // Values no file can satisfy are programming errors: a RangeError or TypeError naming the option.
    await assert.rejects(openDem(STRIPPED, { band: 0 }), {
      name: "RangeError",
      message: /^openDem: option band must be a whole number of at least 1, got 0$/,
    });
    await assert.rejects(openDem(STRIPPED, { band: 1.5 }), { name: "RangeError", message: /got 1\.5$/ });
  });

  test("windows and rows outside the raster", async () => {
    const outside = /is not inside the 143×107 raster$/;
    await rejectsWith(readDem(STRIPPED, { window: { x: 100, y: 0, width: 50, height: 10 } }), {
      file: STRIPPED,
      message: /^window x=100 y=0 50×10 is not inside the 143×107 raster$/,
    });
    const dem = await openDem(STRIPPED);
    try {
      await rejectsWith(dem.readRows(100, 10), { file: STRIPPED, message: outside });
      await rejectsWith(dem.readRows(-1, 2), { file: STRIPPED, message: outside });
      await rejectsWith(dem.readRows(0.5, 2), { file: STRIPPED, message: outside });
      await rejectsWith(dem.readWindow({ x: 0, y: 0, width: 144, height: 1 }), {
        file: STRIPPED,
        message: outside,
      });
      await rejectsWith(dem.readRows(0, 2, new Float64Array(10)), {
        file: STRIPPED,
        message: /the output array holds 10 values, 286 are needed/,
      });
      assert.equal((await dem.readRows(107, 0)).length, 0);
    } finally {
      await dem.close();
    }
  });
});

/** A local HTTP server for `bytes` with Range support; counts range requests; closed after the test (or 20 s). */
async function serve(t, bytes, { status } = {}) {
  const stats = { ranges: 0, bytesSent: 0 };
  const server = createServer((req, res) => {
    if (status) {
      res.writeHead(status);
      res.end();
      return;
    }
    const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
    const [start, end] = range
      ? [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)]
      : [0, bytes.length - 1];
    if (range) stats.ranges++;
    stats.bytesSent += end - start + 1;
    res.writeHead(range ? 206 : 200, {
      "Content-Length": end - start + 1,
      ...(range ? { "Content-Range": `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    res.end(bytes.subarray(start, end + 1));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const timer = setTimeout(() => server.close(), 20_000).unref();
  t.after(() => {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${server.address().port}/dem.tif`, stats };
}

describe("http(s) sources", () => {
  test("a URL reads like the file, with range requests", async (t) => {
    const file = sample("inldata_dem.tif"); // 1145×1142 Int16, tiled 256, DEFLATE + predictor 2
    const bytes = readFileSync(file);
    const { url, stats } = await serve(t, bytes);
    const remote = await openDem(url);
    const rows = await remote.readRows(0, 256); // the first row of tiles only
    await remote.close();
    assert.equal(remote.source, url);
    assert.ok(stats.ranges > 0, "range requests were used");
    assert.ok(
      stats.bytesSent < bytes.length,
      `${stats.bytesSent} of ${bytes.length} bytes fetched for one tile row`,
    );
    const local = await openDem(file);
    assert.deepEqual(rows, await local.readRows(0, 256));
    await local.close();
    assert.deepEqual((await readDem(new URL(url))).data, (await readDem(file)).data);
  });

  test("HTTP 404", async (t) => {
    const { url } = await serve(t, Buffer.alloc(0), { status: 404 });
    await rejectsWith(openDem(url), { file: url, message: /^HTTP 404 Not Found$/ });
  });

  test("a URL that is not a TIFF", async (t) => {
    const { url } = await serve(t, Buffer.from("<html><body>not here</body></html>"));
    await rejectsWith(openDem(url), { file: url, message: /^not a TIFF file$/ });
  });

  test("a truncated download", async (t) => {
    const { url } = await serve(t, readFileSync(STRIPPED).subarray(0, 3000));
    await rejectsWith(openDem(url), {
      file: url,
      message: /^truncated or corrupt TIFF: data block \d+ ends at byte/,
    });
  });

  test("nothing listening", async () => {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${server.address().port}/dem.tif`;
    await new Promise((resolve) => server.close(resolve));
    await rejectsWith(openDem(url), { file: url, message: /^cannot connect: ECONNREFUSED$/ });
  });
});
