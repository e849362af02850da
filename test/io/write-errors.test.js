// Bad paths and interruptions: one-line OutputErrors naming the file, UsageErrors for bad calls, and never a
// partial or temporary file left behind — after an error, an abort, an AbortSignal, or SIGINT to a process.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { AbortError, createRasterWriter, OutputError, UsageError, writeGeoTiff } from "../../dist/index.js";
import { outputError } from "../../dist/io/atomic.js";
import { outputFormat } from "../../dist/io/output-format.js";
import { ROOT } from "../helpers/cli.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-errors-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const fresh = (name) => mkdtempSync(`${dir}/${name}-`);
const float = { sampleType: "Float32" };

describe("output format from the extension", () => {
  test("tif, tiff and png in any case; anything else is a usage error", () => {
    for (const path of ["a.tif", "dir.x/b.TIFF", "C.Tif"]) assert.equal(outputFormat(path), "geotiff");
    for (const path of ["a.png", "b.PNG"]) assert.equal(outputFormat(path), "png");
    assert.throws(() => outputFormat("out/shade.jpg"), {
      name: "UsageError",
      message: "unknown output extension .jpg: use .tif or .png",
      file: "out/shade.jpg",
    });
    assert.throws(() => outputFormat("slope"), /unknown output extension \(none\)/);
  });

  test("createRasterWriter refuses an unknown extension before creating anything", async () => {
    const sub = fresh("ext");
    await assert.rejects(createRasterWriter(`${sub}/x.jpg`, { width: 2, height: 2, ...float }), UsageError);
    assert.deepEqual(readdirSync(sub), []);
  });
});

describe("file-system errors", () => {
  for (const ext of ["tif", "png"]) {
    test(`${ext}: missing folder, a file as folder, a folder as output`, async () => {
      const sub = fresh(`fs-${ext}`);
      const options = { width: 2, height: 2, sampleType: "Byte" };
      await assert.rejects(createRasterWriter(`${sub}/nope/out.${ext}`, options), {
        name: "OutputError",
        message: "the output folder does not exist: create it first",
        file: `${sub}/nope/out.${ext}`,
      });
      writeFileSync(`${sub}/file`, "");
      await assert.rejects(createRasterWriter(`${sub}/file/out.${ext}`, options), /not a folder/);
      // The rename fails at the end: nothing of the output may remain (PNG: neither sidecar).
      mkdirSync(`${sub}/taken.${ext}`);
      writeFileSync(`${sub}/taken.${ext}/keep`, "");
      const writer = await createRasterWriter(`${sub}/taken.${ext}`, { ...options, georef: GEOREF });
      await writer.writeRows([new Uint8Array(4)], 2);
      await assert.rejects(
        writer.finish(),
        (e) => e instanceof OutputError && e.file.startsWith(`${sub}/taken`),
      );
      assert.deepEqual(readdirSync(sub).sort(), ["file", `taken.${ext}`]);
    });
  }

  test("errno codes become one line saying what to do", () => {
    const errno = (code) => Object.assign(new Error(`${code}: system text\nsecond line`), { code });
    const cases = {
      ENOSPC: "disk full: free some space or write elsewhere",
      EACCES: "cannot write here (permission denied): choose another folder",
      EROFS: "cannot write here (permission denied): choose another folder",
      EISDIR: "a folder has this name: choose another output name",
      ENAMETOOLONG: "the file name is too long: choose a shorter name",
      EIO: "cannot write (EIO: system text): check the output path",
    };
    for (const [code, message] of Object.entries(cases)) {
      const error = outputError("out.tif", errno(code));
      assert.ok(error instanceof OutputError);
      assert.deepEqual([error.message, error.file, error.cause.code], [message, "out.tif", code]);
    }
  });
});

/** A minimal georef with a geotransform, so PNGs get their sidecars. */
const GEOREF = {
  width: 2,
  height: 2,
  geoTransform: [500000, 30, 0, 4100000, 0, -30],
  crs: { kind: "projected", epsg: 32611 },
  verticalUnit: { metres: 1, name: "metre", source: "default" },
  tags: {},
};

describe("writer options are validated before anything is created", () => {
  test("writeGeoTiff and createRasterWriter: codec, nodata, sizes, sample type, metadata", async () => {
    const sub = fresh("options");
    const raster = { width: 2, height: 2, data: new Float32Array(4) };
    const refused = [
      [{ compress: "zip" }, 'Expected one of deflate, lzw, none for compress but received "zip"'],
      [{ nodata: "abc" }, 'Expected number for nodata but received "abc"'],
      [{ nodata: "-9999" }, 'Expected number for nodata but received "-9999"'],
      [{ nodata: Number.POSITIVE_INFINITY }, "Expected number for nodata but received Infinity"],
      [{ sampleType: "Float16" }, 'for sample type but received "Float16"'],
      [{ units: "m" }, 'Expected an array of strings for units but received "m"'],
    ];
    for (const [options, message] of refused) {
      await assert.rejects(writeGeoTiff(`${sub}/s.tif`, raster, options), (e) => {
        assert.ok(e instanceof UsageError, String(e));
        assert.ok(e.message.includes(message), e.message);
        assert.equal(e.file, `${sub}/s.tif`);
        return true;
      });
    }
    for (const [key, value, message] of [
      ["width", 0, "Expected integer between 1 and 2147483647 for width but received 0"],
      ["height", "x", 'Expected integer between 1 and 2147483647 for height but received "x"'],
      ["bands", 1.5, "Expected integer between 1 and 2147483647 for bands but received 1.5"],
      ["width", "2", 'Expected integer between 1 and 2147483647 for width but received "2"'],
    ]) {
      for (const ext of ["tif", "png"]) {
        const options = { width: 2, height: 2, sampleType: "Byte", [key]: value };
        await assert.rejects(createRasterWriter(`${sub}/w.${ext}`, options), { name: "UsageError", message });
      }
    }
    assert.deepEqual(readdirSync(sub), [], "nothing created");
    // NaN is a valid nodata, written as GDAL writes it.
    await writeGeoTiff(`${sub}/nan.tif`, raster, { nodata: Number.NaN, compress: "lzw" });
    assert.deepEqual(readdirSync(sub), ["nan.tif"]);
  });
});

describe("bad calls abort the writer", () => {
  test("wrong band count, too many rows, a short band, finishing early, using a finished writer", async () => {
    const sub = fresh("calls");
    const open = (name) => createRasterWriter(`${sub}/${name}.tif`, { width: 10, height: 10, ...float });
    let w = await open("bands");
    await assert.rejects(w.writeRows([new Float32Array(10), new Float32Array(10)], 1), /expected 1 band/);
    w = await open("rows");
    await assert.rejects(w.writeRows([new Float32Array(110)], 11), /between 0 and 10 for rowCount/);
    w = await open("string-rows");
    await assert.rejects(w.writeRows([new Float32Array(10)], "1"), {
      message: 'Expected integer between 0 and 10 for rowCount but received "1"',
    });
    w = await open("short");
    await assert.rejects(w.writeRows([new Float32Array(15)], 2), UsageError);
    w = await open("early");
    await w.writeRows([new Float32Array(50)], 5);
    await assert.rejects(w.finish(), { name: "OutputError", message: "only 5 of 10 rows were written" });
    assert.deepEqual(readdirSync(sub), []);
    w = await open("done");
    await w.writeRows([new Float32Array(100)], 10);
    await w.finish();
    await assert.rejects(w.writeRows([new Float32Array(10)], 1), OutputError);
    await assert.rejects(w.finish(), OutputError);
    await w.abort(); // after success: a no-op that keeps the file
    assert.deepEqual(readdirSync(sub), ["done.tif"]);
  });
});

describe("interruptions leave nothing behind", () => {
  for (const ext of ["tif", "png"]) {
    test(`${ext}: an error in the caller mid-way, then abort()`, async () => {
      const sub = fresh(`midway-${ext}`);
      const writer = await createRasterWriter(`${sub}/a.${ext}`, {
        width: 300,
        height: 600,
        sampleType: "Byte",
      });
      try {
        for (let row = 0; row < 600; row += 100) {
          if (row === 300) throw new Error("the computation failed");
          await writer.writeRows([new Uint8Array(300 * 100)], 100);
        }
      } catch {
        await writer.abort();
        await writer.abort(); // twice is fine
      }
      assert.deepEqual(readdirSync(sub), []);
    });

    test(`${ext}: the AbortSignal removes the temporary file at once; later calls reject`, async () => {
      const sub = fresh(`signal-${ext}`);
      const controller = new AbortController();
      const writer = await createRasterWriter(`${sub}/s.${ext}`, {
        width: 300,
        height: 600,
        sampleType: "Byte",
        signal: controller.signal,
      });
      await writer.writeRows([new Uint8Array(300 * 300)], 300);
      const during = readdirSync(sub);
      // The output's temporary file (a PNG also has its scratch rows): hidden names, none final.
      assert.ok(during.length >= 1 && during.every((f) => f.startsWith(".")), `temporary files: ${during}`);
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(readdirSync(sub), []);
      await assert.rejects(writer.writeRows([new Uint8Array(300)], 1), AbortError);
      await assert.rejects(writer.finish(), AbortError);
    });
  }

  test("a signal that already fired: nothing is created", async () => {
    const sub = fresh("fired");
    for (const ext of ["tif", "png"]) {
      await assert.rejects(
        createRasterWriter(`${sub}/x.${ext}`, { width: 2, height: 2, ...float, signal: AbortSignal.abort() }),
        AbortError,
      );
    }
    assert.deepEqual(readdirSync(sub), []);
  });

  test("SIGINT to a writing process leaves no file (as the CLI does: SIGINT aborts the writer's signal)", async () => {
    const sub = fresh("sigint");
    const script = `
      import { createRasterWriter } from "${ROOT}dist/index.js";
      const controller = new AbortController();
      process.on("SIGINT", () => controller.abort());
      const w = await createRasterWriter("${sub}/slow.tif", { width: 256, height: 100000, sampleType: "Float32", signal: controller.signal });
      const rows = new Float32Array(256 * 256);
      console.log("writing");
      try {
        for (;;) { await w.writeRows([rows], 256); await new Promise((r) => setTimeout(r, 5)); }
      } catch (error) {
        process.exit(error.name === "AbortError" ? 130 : 1);
      }
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(readdirSync(sub).length, 1, "the temporary file while writing");
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 130);
    assert.deepEqual(readdirSync(sub), []);
  });
});
