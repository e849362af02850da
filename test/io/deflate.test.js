// DEFLATE through the optional libdeflate binding and through node:zlib (DEMGRAD_DEFLATE=zlib, or no binding):
// both write valid files of the same format with the same pixels, and libdeflate's streams are ones zlib inflates.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { deflateSync, inflateSync } from "node:zlib";
import { deflateBackend, deflateFallbackReason, libdeflate } from "../../dist/io/libdeflate.js";
import { compressTile, predictTile } from "../../dist/io/tiff-compress.js";
import { demgrad, gdal, HAS_GDAL, ROOT } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { buildTiff, int16Entries } from "./hostile-support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-deflate-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const ADDON = `${ROOT}native/deflate/build/Release/demgrad_deflate.node`;
const BUILT = existsSync(ADDON);
// CI installs libdeflate-dev, so there a binding that was not built is a failure, not a skip.
const NO_BINDING = BUILT ? false : "the libdeflate binding is not built (libdeflate-dev missing)";
if (!BUILT && process.env.CI) throw new Error("libdeflate-dev is required in CI (.ci/run installs it)");
const NO_GDAL = HAS_GDAL ? false : "GDAL is not installed";

/** Predictor-3 bytes of a smooth float surface: compressible like a product tile, not trivially. */
function floatTile(size, seed) {
  const row = new Float32Array(size * size);
  for (let i = 0; i < row.length; i++)
    row[i] = Math.sin((i % size) / 17 + seed) * 30 + Math.cos(i / size / 11) * 7;
  return predictTile(row, size, 0, size, 3);
}

/** `deflateBackend()` and the fallback reason in a fresh process with `env`. */
function backendIn(env, module = `${ROOT}dist/io/libdeflate.js`) {
  const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify([m.deflateBackend(), m.deflateFallbackReason() ?? null])))`;
  const result = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe("the libdeflate binding", { skip: NO_BINDING }, () => {
  test("loads where it was built; DEMGRAD_DEFLATE=zlib turns it off", () => {
    const forced = process.env.DEMGRAD_DEFLATE === "zlib";
    assert.equal(deflateBackend(), forced ? "zlib" : "libdeflate");
    assert.equal(deflateFallbackReason() === undefined, !forced);
    assert.deepEqual(backendIn({ DEMGRAD_DEFLATE: "" }), ["libdeflate", null]);
    const [backend, reason] = backendIn({ DEMGRAD_DEFLATE: "zlib" });
    assert.equal(backend, "zlib");
    assert.match(reason, /DEMGRAD_DEFLATE=zlib/);
  });

  test("writes zlib streams that node:zlib inflates to the input, at every level and for empty input", async () => {
    const native = libdeflate() ?? addon();
    const tile = floatTile(256, 1);
    for (const level of [0, 1, 4, 6, 12]) {
      const packed = await native.compress(tile, level);
      assert.ok(packed instanceof Uint8Array);
      assert.equal(packed[0] & 0x0f, 8, "zlib header: method DEFLATE");
      assert.deepEqual(new Uint8Array(inflateSync(packed)), tile, `level ${level}`);
      if (level > 0) assert.ok(packed.length < tile.length * 0.9, `level ${level} compresses`);
    }
    const empty = await native.compress(new Uint8Array(0), 4);
    assert.equal(inflateSync(empty).length, 0);
    // A view into a larger buffer: only the view's bytes are compressed.
    const view = tile.subarray(1000, 5000);
    assert.deepEqual(new Uint8Array(inflateSync(await native.compress(view, 4))), view);
  });

  test("refuses arguments it cannot use (TypeError, before any work is queued)", () => {
    const native = addon();
    assert.throws(() => native.compress(new Int16Array(8), 4), TypeError);
    assert.throws(() => native.compress([1, 2, 3], 4), TypeError);
    assert.throws(() => native.compress(new Uint8Array(8), 13), TypeError);
    assert.throws(() => native.compress(new Uint8Array(8), -1), TypeError);
    assert.throws(() => native.compress(new Uint8Array(8)), TypeError);
    assert.throws(() => native.decompress(new Uint8Array(8), -1), TypeError);
  });

  test("inflates what zlib wrote; says -1 for corrupt data and -2 for data longer than the expected size", async () => {
    const native = addon();
    const tile = floatTile(64, 2);
    const packed = deflateSync(tile, { level: 6 });
    assert.deepEqual(new Uint8Array(await native.decompress(packed, tile.length)), tile);
    assert.equal(await native.decompress(packed, tile.length - 1), -2);
    const corrupt = new Uint8Array(packed);
    corrupt[packed.length - 1] ^= 0xff; // the Adler-32 checksum
    assert.equal(await native.decompress(corrupt, tile.length), -1);
    assert.equal(await native.decompress(new Uint8Array([1, 2, 3]), 10), -1);
  });

  test("compresses on libuv's threadpool: the event loop runs while a large buffer compresses", async () => {
    const native = addon();
    const big = new Uint8Array(48 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 27; // poorly compressible: slow
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const pending = native.compress(big, 6);
    const callTook = performance.now() - t0;
    await pending;
    const total = performance.now() - t0;
    clearInterval(timer);
    assert.ok(callTook < 20, `the call returned after ${callTook.toFixed(1)} ms`);
    assert.ok(total > 5 * callTook, `total ${total.toFixed(0)} ms vs call ${callTook.toFixed(1)} ms`);
    assert.ok(ticks >= 3, `${ticks} timer ticks during ${total.toFixed(0)} ms of compression`);
  });
});

/** The addon itself (also when DEMGRAD_DEFLATE=zlib hides it from demgrad). */
function addon() {
  return createRequire(import.meta.url)(ADDON);
}

describe("DEFLATE output from both libraries", { skip: NO_GDAL || missing("inldata_dem.tif") }, () => {
  const dem = sample("inldata_dem.tif");
  const outputs = {};
  const backends = BUILT ? ["libdeflate", "zlib"] : ["zlib"];
  for (const backend of backends) {
    test(`${backend}: terrain writes GeoTIFFs that gdalinfo -checksum reads without a warning`, () => {
      const at = `${dir}/${backend}`;
      const env = { DEMGRAD_DEFLATE: backend === "zlib" ? "zlib" : "" };
      const args = ["terrain", dem, "-q", "--slope", `${at}.slope.tif`, "--gradient", `${at}.gradient.tif`];
      const run = demgrad([...args, "--hillshade", `${at}.shade.tif`], { env });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, "", "plain runs say nothing about the DEFLATE library");
      for (const product of ["slope", "gradient", "shade"]) {
        const { stdout, stderr } = gdal("gdalinfo", ["-checksum", `${at}.${product}.tif`]);
        assert.equal(stderr, "", `${product}: ${stderr}`);
        assert.doesNotMatch(stdout, /warning|error/i);
        assert.match(stdout, /COMPRESSION=DEFLATE/);
      }
      outputs[backend] = at;
    });
  }

  test("both libraries: the same format (tags GDAL reports) and the same pixels, equal to an uncompressed run", {
    skip: BUILT ? false : NO_BINDING,
  }, () => {
    assert.ok(outputs.libdeflate && outputs.zlib, "both runs above succeeded");
    const plain = `${dir}/none`;
    const run = demgrad([
      "terrain",
      dem,
      "-q",
      "--compress",
      "none",
      "--slope",
      `${plain}.slope.tif`,
      "--gradient",
      `${plain}.gradient.tif`,
      "--hillshade",
      `${plain}.shade.tif`,
    ]);
    assert.equal(run.status, 0, run.stderr);
    for (const product of ["slope", "gradient", "shade"]) {
      const info = (at) => {
        const json = JSON.parse(gdal("gdalinfo", ["-json", `${at}.${product}.tif`]).stdout);
        delete json.description;
        delete json.files;
        return json;
      };
      assert.deepEqual(info(outputs.libdeflate), info(outputs.zlib), product);
      const pixels = (at) => {
        gdal("gdal_translate", ["-q", "-of", "ENVI", `${at}.${product}.tif`, `${at}.${product}.raw`]);
        return readFileSync(`${at}.${product}.raw`);
      };
      const reference = pixels(plain);
      assert.ok(reference.length > 100_000);
      assert.ok(pixels(outputs.libdeflate).equals(reference), `${product}: libdeflate pixels`);
      assert.ok(pixels(outputs.zlib).equals(reference), `${product}: zlib pixels`);
    }
  });
});

test("compressTile: a DEFLATE tile inflates to its bytes through whichever library is in use", async () => {
  const tile = floatTile(256, 3);
  const packed = await compressTile(tile, "deflate");
  assert.deepEqual(new Uint8Array(inflateSync(packed)), tile);
  assert.ok(packed.length < tile.length * 0.9);
});

test("without a built binding demgrad falls back to node:zlib, says why, and still writes valid files", {
  skip: NO_GDAL || missing("dem-hills.tiff"),
}, () => {
  // A copy of the package without native/: what a machine without libdeflate-dev builds.
  const copy = `${dir}/package`;
  cpSync(`${ROOT}dist`, `${copy}/dist`, { recursive: true });
  cpSync(`${ROOT}bin`, `${copy}/bin`, { recursive: true });
  cpSync(`${ROOT}package.json`, `${copy}/package.json`);
  symlinkSync(`${ROOT}node_modules`, `${copy}/node_modules`);
  const [backend, reason] = backendIn({ DEMGRAD_DEFLATE: "" }, `${copy}/dist/io/libdeflate.js`);
  assert.equal(backend, "zlib");
  assert.match(reason, /not built.*libdeflate-dev/);
  const out = `${dir}/fallback.slope.tif`;
  const run = spawnSync(
    process.execPath,
    [`${copy}/bin/demgrad.js`, "slope", "-q", sample("dem-hills.tiff"), out],
    {
      encoding: "utf8",
      env: { ...process.env, DEMGRAD_DEFLATE: "" },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, "", "a plain run says nothing about the fallback");
  const { stdout, stderr } = gdal("gdalinfo", ["-checksum", out]);
  assert.equal(stderr, "");
  assert.match(stdout, /COMPRESSION=DEFLATE/);
});

describe("reading DEFLATE blocks through both libraries", () => {
  const tile = (name, stored) => {
    const { bytes } = buildTiff(int16Entries(64, 64, { tile: 64, compression: 8 }), [stored]);
    writeFileSync(`${dir}/${name}`, bytes);
    return `${dir}/${name}`;
  };
  const values = new Int16Array(64 * 64).map((_, i) => ((i * 37) % 2001) - 1000);
  const good = deflateSync(new Uint8Array(values.buffer), { level: 6 });
  const corrupt = Buffer.from(good);
  corrupt[corrupt.length - 2] ^= 0x5a; // the Adler-32 checksum: libdeflate and zlib both refuse it
  const cases = {
    good: [tile("good.tif", good), undefined],
    corrupt: [tile("corrupt.tif", corrupt), /^corrupt DEFLATE data: incorrect data check \(block 0, 0\)$/],
    long: [
      tile("long.tif", deflateSync(Buffer.alloc(8192 + 2))),
      /^decodes to more bytes than the block holds/,
    ],
  };
  for (const [name, [file, message]] of Object.entries(cases)) {
    test(`${name} tile: the same pixels or the same one-line error with libdeflate and with zlib`, () => {
      const results = ["", "zlib"].map((backend) => {
        const out = `${dir}/${name}-${backend || "libdeflate"}.tif`;
        const run = demgrad(["slope", "-q", "-s", "1", "--compress", "none", file, out], {
          env: { DEMGRAD_DEFLATE: backend },
        });
        return { ...run, pixels: run.status === 0 ? readFileSync(out) : undefined };
      });
      for (const run of results) {
        if (message) {
          assert.equal(run.status, 1, run.stderr);
          const line = run.stderr.trim().replace(/^demgrad: [^:]+: /, "");
          assert.match(line, message);
        } else assert.equal(run.status, 0, run.stderr);
      }
      assert.equal(results[0].stderr, results[1].stderr);
      if (!message) assert.ok(results[0].pixels.equals(results[1].pixels));
    });
  }
});

test("the native build step never fails a build: without a compiler it builds nothing, silently", () => {
  const copy = `${dir}/native-copy`;
  cpSync(`${ROOT}native/build.js`, `${copy}/build.js`);
  for (const [addon, source] of [
    ["deflate", "deflate.c"],
    ["kernels", "kernels.c"],
  ])
    for (const file of ["binding.gyp", source])
      cpSync(`${ROOT}native/${addon}/${file}`, `${copy}/${addon}/${file}`);
  // No PATH: node-gyp finds neither Python nor make nor a C compiler.
  const env = {
    HOME: process.env.HOME ?? "/",
    PATH: "",
    npm_config_nodedir: process.env.npm_config_nodedir ?? "",
  };
  const quiet = spawnSync(process.execPath, [`${copy}/build.js`], { encoding: "utf8", env });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, "");
  assert.equal(existsSync(`${copy}/deflate/build/Release/demgrad_deflate.node`), false);
  assert.equal(existsSync(`${copy}/kernels/build/Release/demgrad_kernels.node`), false);
  const told = spawnSync(process.execPath, [`${copy}/build.js`], {
    encoding: "utf8",
    env: { ...env, DEMGRAD_NATIVE_VERBOSE: "1" },
  });
  assert.equal(told.status, 0);
  assert.match(told.stderr, /^native\/deflate: .*node:zlib is used/m);
  assert.match(told.stderr, /^native\/kernels: .*JavaScript kernels are used/m);
});
