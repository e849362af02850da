// Bad input and bad places to write: exit status, exactly one `demgrad:` line naming the file, no output left.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import { georefFromEpsg, readDem, writeGeoTiff } from "../../dist/index.js";
import { demgrad, HAS_GDAL } from "../helpers/cli.js";
import { readBand } from "../helpers/raster.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-robust-`);
const outDir = `${dir}/out`;
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command expecting failure: status, one `demgrad: <file>: …` line, and an empty output folder. */
function fails(args, status, pattern) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir);
  const run = demgrad(args);
  assert.equal(run.status, status, `${args.join(" ")}\n${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^demgrad: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  assert.deepEqual(readdirSync(outDir), [], "no output or temporary file remains");
}

before(async () => {
  writeFileSync(`${dir}/empty.tif`, "");
  writeFileSync(`${dir}/text.tif`, "x,y,z\n1,2,3\n");
  copyFileSync(new URL("../../docs/images/relief.png", import.meta.url), `${dir}/png.tif`);
  writeFileSync(`${dir}/truncated.tif`, readFileSync(sample("storml_elev.tif")).subarray(0, 3000));
  // Strip offsets pointing past the end of the file.
  const bytes = Buffer.from(readFileSync(sample("storml_elev_orig.tif")));
  const ifd = bytes.readUInt32LE(4);
  for (let i = 0; i < bytes.readUInt16LE(ifd); i++) {
    const e = ifd + 2 + 12 * i;
    if (bytes.readUInt16LE(e) === 273) {
      const [count, at] = [bytes.readUInt32LE(e + 4), bytes.readUInt32LE(e + 8)];
      for (let k = 0; k < count; k++) bytes.writeUInt32LE(bytes.length + 1000 * (k + 1), at + 4 * k);
    }
  }
  writeFileSync(`${dir}/offsets.tif`, bytes);
  const small = (name, width, height, value, georef) =>
    writeGeoTiff(
      `${dir}/${name}.tif`,
      { width, height, data: new Float32Array(width * height).fill(value) },
      { like: georef, nodata: -9999 },
    );
  const utm = (gt, width, height) => georefFromEpsg(32611, gt, { width, height });
  await small("all-nodata", 6, 5, -9999, utm([400000, 30, 0, 3800000, 0, -30], 6, 5));
  await small("one-by-one", 1, 1, 100, utm([400000, 30, 0, 3800000, 0, -30], 1, 1));
  await small("one-row", 9, 1, 100, utm([400000, 30, 0, 3800000, 0, -30], 9, 1));
  await small("no-georef", 5, 5, 100, undefined);
  await small("rotated", 5, 5, 100, utm([400000, 30, 5, 3800000, 5, -30], 5, 5));
});

describe("bad input", () => {
  const dem = (name) => `${dir}/${name}.tif`;
  const cases = [
    ["missing file", "missing", /missing\.tif: no such file/],
    ["empty file", "empty", /empty\.tif: empty file/],
    ["text named .tif", "text", /text\.tif: not a TIFF file/],
    ["PNG named .tif", "png", /png\.tif: not a TIFF file/],
    ["truncated TIFF", "truncated", /truncated\.tif: truncated or corrupt TIFF/],
    ["tile offsets past the end", "offsets", /offsets\.tif: truncated or corrupt TIFF/],
    ["no georeferencing", "no-georef", /no-georef\.tif: no georeferencing .* --xscale\/--yscale/],
  ];
  for (const [name, file, pattern] of cases) {
    test(name, () => fails(["slope", dem(file), `${outDir}/slope.tif`], 1, pattern));
  }
  test("control characters in a file name are escaped: the message stays one line", () => {
    // A newline, a tab and an escape (ESC [ 2 J would clear the terminal).
    fails(
      ["slope", `${dir}/new\nline\tand\x1b[2J.tif`, `${outDir}/slope.tif`],
      1,
      /new\\nline\\tand\\x1b\[2J\.tif: no such file/,
    );
    fails(
      ["slope", sample("storml_elev.tif"), `${outDir}/missing\nfolder/s.tif`],
      1,
      /missing\\nfolder\/s\.tif: the output folder does not exist/,
    );
  });
  test("band out of range", () =>
    fails(
      ["slope", sample("storml_elev.tif"), `${outDir}/s.tif`, "-b", "2"],
      1,
      /band 2 requested but the file has 1 band/,
    ));
  test("unsupported compression (JPEG)", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
    execFileSync("gdal_translate", [
      "-q",
      "-ot",
      "Byte",
      "-scale",
      "-co",
      "COMPRESS=JPEG",
      sample("storml_elev.tif"),
      `${dir}/jpeg.tif`,
    ]);
    fails(["slope", `${dir}/jpeg.tif`, `${outDir}/s.tif`], 1, /jpeg\.tif: unsupported compression JPEG/);
  });
});

describe("edge-case DEMs succeed", () => {
  test("a rotated transform (supported since the ground frame): a flat DEM is flat", async () => {
    const run = demgrad(["slope", `${dir}/rotated.tif`, `${dir}/rotated.slope.tif`]);
    assert.equal(run.status, 0, run.stderr);
    // Not exactly 0: numpy's non-uniform formula (unequal ground steps) leaves rounding of 1e-14°.
    assert.ok((await readBand(`${dir}/rotated.slope.tif`)).data.every((v) => Math.abs(v) < 1e-9));
  });
  test("all-nodata DEM gives an all-nodata output", async () => {
    const run = demgrad(["slope", `${dir}/all-nodata.tif`, `${dir}/all-nodata.slope.tif`]);
    assert.equal(run.status, 0, run.stderr);
    const { data } = await readBand(`${dir}/all-nodata.slope.tif`);
    assert.ok(data.every((v) => v === -9999));
  });
  test("1×1 and 1×N DEMs: nodata (no neighbour to difference with), no crash", async () => {
    for (const name of ["one-by-one", "one-row"]) {
      const run = demgrad([
        "terrain",
        `${dir}/${name}.tif`,
        "--slope",
        `${dir}/${name}.s.tif`,
        "--hillshade",
        `${dir}/${name}.h.png`,
      ]);
      assert.equal(run.status, 0, run.stderr);
      const { data } = await readBand(`${dir}/${name}.s.tif`);
      assert.ok(data.every((v) => v === -9999));
    }
  });
  test("no georeferencing with explicit scales", () => {
    const run = demgrad(["slope", `${dir}/no-georef.tif`, `${dir}/ng.tif`, "--xscale", "1", "--yscale", "1"]);
    assert.equal(run.status, 0, run.stderr);
  });
});

describe("long output names", () => {
  test("240-byte output names (ASCII and 2-byte UTF-8) work: temporary names stay within 255 bytes", () => {
    const long = mkdtempSync(`${dir}/long-`);
    const stems = ["s".repeat(236), "é".repeat(118)]; // 236 and 236 bytes, + ".tif"/".png" = 240
    for (const stem of stems) {
      for (const [command, ext] of [
        ["slope", "tif"],
        ["hillshade", "png"],
      ]) {
        const out = `${long}/${stem}.${ext}`;
        assert.equal(Buffer.byteLength(`${stem}.${ext}`), 240);
        const run = demgrad([command, sample("storml_elev.tif"), out, "-q"]);
        assert.equal(run.status, 0, run.stderr);
        assert.ok(existsSync(out), out);
      }
    }
    // Only the outputs and their sidecars remain: no temporary or scratch file.
    assert.ok(
      readdirSync(long).every((name) => !name.startsWith(".")),
      readdirSync(long).join("\n"),
    );
  });
});

describe("bad outputs", () => {
  const dem = sample("storml_elev.tif");
  test("output folder missing", () =>
    fails(["slope", dem, `${outDir}/nope/s.tif`], 1, /nope\/s\.tif: the output folder does not exist/));
  test("output folder is a file", () =>
    fails(["slope", dem, `${dir}/text.tif/s.tif`], 1, /the output folder is not a folder/));
  test("output equal to the input", () => {
    copyFileSync(dem, `${dir}/copy.tif`);
    fails(
      ["slope", `${dir}/copy.tif`, `${dir}/copy.tif`],
      2,
      /copy\.tif: output would overwrite the input DEM/,
    );
  });
  test("unknown output extension", () =>
    fails(["slope", dem, `${outDir}/s.jpg`], 2, /unknown output extension \.jpg: use \.tif or \.png/));
  test("slope as PNG is refused", () =>
    fails(["slope", dem, `${outDir}/s.png`], 2, /slope is written as GeoTIFF/));
  test("invalid option values", () => {
    fails(
      ["hillshade", dem, `${outDir}/h.png`, "--altitude", "95"],
      2,
      /Expected number greater than 0 and at most 90 for altitude but received "95"/,
    );
    fails(
      ["hillshade", dem, `${outDir}/h.png`, "--altitude", "0"],
      2,
      /^demgrad: Expected number greater than 0 and at most 90 for altitude but received "0"$/,
    );
    fails(["slope", dem, `${outDir}/s.tif`, "--edge-order", "3"], 2, /edge-order/);
    fails(
      ["slope", dem, `${outDir}/s.tif`, "-z", "abc"],
      2,
      /Expected number greater than 0 for z-factor but received "abc"/,
    );
    fails(
      ["slope", dem, `${outDir}/s.tif`, "--band", "0"],
      2,
      /Expected integer of at least 1 for band but received "0"/,
    );
  });
  const AS_ROOT = process.getuid?.() === 0;
  /** Runs `check(folder)` on a tmpfs of `size` mounted for it; skips, saying why, when it cannot be mounted. */
  const onSmallDisk = (t, size, check) => {
    const full = mkdtempSync(`${dir}/full-`);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", full], {
      encoding: "utf8",
    });
    if (mounted.status !== 0) {
      t.skip(`cannot mount a tmpfs: ${mounted.stderr.trim()}`);
      return;
    }
    try {
      check(full);
    } finally {
      spawnSync("umount", [full]);
    }
  };
  test("disk full leaves no partial file", { skip: !AS_ROOT && "needs root to mount a small tmpfs" }, (t) =>
    onSmallDisk(t, "200k", (full) => {
      const run = demgrad(["slope", sample("inldata_dem.tif"), `${full}/s.tif`]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^demgrad: .*s\.tif: disk full/);
      assert.deepEqual(readdirSync(full), []);
    }),
  );
  test("disk full while writing a PNG says disk full and names the PNG", {
    skip: !AS_ROOT && "needs root to mount a small tmpfs",
  }, (t) => {
    // inldata_dem (1145 × 1142): 900k fills up with the scratch rows (1.64 MB of padded tiles); 1900k holds them
    // and fills up as the 0.73 MB PNG is encoded (libvips says only "write error").
    for (const size of ["900k", "1900k"]) {
      onSmallDisk(t, size, (full) => {
        const run = demgrad(["hillshade", sample("inldata_dem.tif"), `${full}/h.png`, "-q"]);
        assert.equal(run.status, 1, size);
        assert.equal(
          run.stderr,
          `demgrad: ${full}/h.png: disk full: free some space or write elsewhere\n`,
          size,
        );
        assert.deepEqual(readdirSync(full), [], size);
      });
    }
  });
});

test("the DEMs written for these tests are readable", async () => {
  assert.equal((await readDem(`${dir}/one-row.tif`)).height, 1);
  assert.ok(existsSync(`${dir}/rotated.tif`));
});
