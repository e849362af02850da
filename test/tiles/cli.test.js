// `demgrad tiles` end to end: bad command lines and inputs, --resume, WebP and 512-pixel tiles, and many DEM tiles
// of one grid read as one mosaic.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { demgrad, gdal, HAS_GDAL, ROOT } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { decodeTile, listTiles } from "./support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-cli-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const UTM = "sdts_8821_oregon_basin_wy.tif";
const GEOGRAPHIC = "dem-hills.tiff";

/** One `demgrad:` line on stderr and the exit status. */
function failsWith(args, status, pattern) {
  const r = demgrad(args);
  assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^demgrad: /);
  assert.match(lines[0], pattern);
}

describe("tiles command line", { skip: missing(UTM, GEOGRAPHIC) }, () => {
  test("usage errors exit 2 with one line", () => {
    const dem = sample(UTM);
    failsWith(["tiles", dem, `${dir}/u1`, "--zoom", "14-8"], 2, /zoom.*"14-8"/);
    failsWith(["tiles", dem, `${dir}/u1`, "--zoom", "high"], 2, /Expected zoom like 8-14/);
    failsWith(["tiles", dem, `${dir}/u1`, "--zoom", "25"], 2, /zoom/);
    failsWith(["tiles", dem, `${dir}/u1`, "--product", "contours"], 2, /product/);
    failsWith(["tiles", dem, `${dir}/u1`, "--tile-size", "300"], 2, /tile-size/);
    failsWith(["tiles", dem, `${dir}/u1`, "--format", "jpeg"], 2, /format/);
    failsWith(["tiles", dem, `${dir}/u1`, "--jobs", "0"], 2, /jobs/);
    failsWith(["tiles", dem, `${dir}/u1.pmtiles`, "--resume"], 2, /--resume works with a tile folder/);
    failsWith(["tiles", dem, `${dir}/u1.pmtiles`, "--serve"], 2, /--serve serves a tile folder/);
    failsWith(["tiles", dem], 2, /at least one DEM and an output/);
    failsWith(["tiles", dem, dem], 2, /overwrite the input/);
    failsWith(["tiles", dem, `${dir}/missing-folder/x.pmtiles`], 2, /output folder does not exist/);
    for (const u of ["u1", "u1.pmtiles"]) assert.equal(existsSync(`${dir}/${u}`), false, `${u} was created`);
  });

  test("processing errors exit 1 and name the file", () => {
    failsWith(["tiles", `${dir}/nothing.tif`, `${dir}/p1`], 1, /nothing\.tif/);
    // An output folder that is a file, or inside one.
    writeFileSync(`${dir}/a-file`, "");
    failsWith(["tiles", sample(UTM), `${dir}/a-file`, "--zoom", "10", "-q"], 1, /a-file: cannot write/);
    failsWith(["tiles", sample(UTM), `${dir}/a-file/sub`, "--zoom", "10", "-q"], 1, /is not a folder/);
    // whitebox_DEM.tif has a local engineering CRS: nowhere on the globe.
    failsWith(
      ["tiles", sample("whitebox_DEM.tif"), `${dir}/p2`, "-q"],
      1,
      /whitebox_DEM\.tif: web map tiles need a georeferenced DEM/,
    );
  });

  test("--resume keeps the tiles that exist and writes the missing ones", () => {
    const out = `${dir}/resume`;
    let r = demgrad(["tiles", sample(UTM), out, "--zoom", "11-12"]);
    assert.equal(r.status, 0, r.stderr);
    const tiles = listTiles(out);
    const bytes = new Map(tiles.map((t) => [t, readFileSync(`${out}/${t}.png`)]));
    const removed = tiles.filter((_, i) => i % 3 === 0);
    for (const t of removed) unlinkSync(`${out}/${t}.png`);
    const kept = tiles.filter((t) => !removed.includes(t));
    const mtimes = new Map(kept.map((t) => [t, statSync(`${out}/${t}.png`).mtimeMs]));
    r = demgrad(["tiles", sample(UTM), out, "--zoom", "11-12", "--resume"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${removed.length} tiles written, ${kept.length} kept`));
    assert.deepEqual(listTiles(out), tiles);
    for (const t of kept)
      assert.equal(statSync(`${out}/${t}.png`).mtimeMs, mtimes.get(t), `${t} was rewritten`);
    for (const t of tiles) assert.deepEqual(readFileSync(`${out}/${t}.png`), bytes.get(t), t);
  });

  test("tiles rendered on worker threads equal tiles rendered on the calling thread", () => {
    const outs = ["1", "3"].map((jobs) => {
      const out = `${dir}/jobs-${jobs}`;
      const r = demgrad(["tiles", sample(UTM), out, "--zoom", "10-12", "--jobs", jobs, "-q"]);
      assert.equal(r.status, 0, r.stderr);
      return out;
    });
    const tiles = listTiles(outs[0]);
    assert.deepEqual(listTiles(outs[1]), tiles);
    for (const t of tiles)
      assert.deepEqual(readFileSync(`${outs[1]}/${t}.png`), readFileSync(`${outs[0]}/${t}.png`), t);
  });

  test("--serve serves the preview on 127.0.0.1 until Ctrl-C", async () => {
    const out = `${dir}/serve`;
    const child = spawn(process.execPath, [
      `${ROOT}bin/demgrad.js`,
      "tiles",
      sample(UTM),
      out,
      "--zoom",
      "11",
      "--serve",
      "-q",
    ]);
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    try {
      const deadline = Date.now() + 60_000;
      while (!/preview: (http:\/\/127\.0\.0\.1:\d+\/)/.test(stdout) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
      assert.ok(url, `no preview URL in ${JSON.stringify(stdout)}`);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /maplibre-gl\.mjs/);
      const [tile] = listTiles(out);
      const image = await fetch(`${url}${tile}.png`);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get("content-type"), "image/png");
      assert.deepEqual(Buffer.from(await image.arrayBuffer()), readFileSync(`${out}/${tile}.png`));
      assert.equal((await fetch(`${url}11/0/0.png`)).status, 404);
    } finally {
      child.kill("SIGINT");
    }
    assert.deepEqual(await exited, { code: 0, signal: null });
  });

  test("WebP tiles of 512 pixels: elevation encodings are lossless", async () => {
    const png = `${dir}/rgb-png`;
    const webp = `${dir}/rgb-webp`;
    for (const [out, format] of [
      [png, "png"],
      [webp, "webp"],
    ]) {
      const r = demgrad([
        "tiles",
        sample(GEOGRAPHIC),
        out,
        "--product",
        "terrain-rgb",
        "--tile-size",
        "512",
        "--format",
        format,
        "--zoom",
        "12-13",
        "-q",
      ]);
      assert.equal(r.status, 0, r.stderr);
    }
    const tiles = listTiles(webp, "webp");
    assert.deepEqual(tiles, listTiles(png));
    const tilejson = JSON.parse(readFileSync(`${webp}/tiles.json`, "utf8"));
    assert.deepEqual([tilejson.tileSize, tilejson.format, tilejson.encoding], [512, "webp", "mapbox"]);
    assert.deepEqual(tilejson.tiles, ["{z}/{x}/{y}.webp"]);
    for (const t of tiles) {
      const a = await decodeTile(`${png}/${t}.png`);
      const b = await decodeTile(`${webp}/${t}.webp`);
      assert.equal(a.width, 512);
      assert.equal(b.width, 512);
      // Transparent pixels' colour is free in WebP: compare where there is data.
      for (let k = 0; k < 512 * 512; k++) {
        assert.equal(b.data[4 * k + 3], a.data[4 * k + 3]);
        if (a.data[4 * k + 3] === 0) continue;
        for (let c = 0; c < 3; c++) assert.equal(b.data[4 * k + c], a.data[4 * k + c], `${t} pixel ${k}`);
      }
    }
  });
});

describe("many DEM tiles of one grid", {
  skip: (!HAS_GDAL && "gdal-bin not installed") || missing(UTM, GEOGRAPHIC),
}, () => {
  test("give the same tiles as the DEM they were cut from", async () => {
    // Cut the DEM into three tiles (gdal_translate -srcwin keeps the grid), then tile the pieces as one mosaic.
    const dem = sample(UTM);
    const pieces = [
      [0, 0, 343, 200],
      [0, 200, 150, 271],
      [150, 200, 193, 271],
    ];
    pieces.forEach(([x, y, w, h], i) => {
      gdal("gdal_translate", [
        "-q",
        "-srcwin",
        String(x),
        String(y),
        String(w),
        String(h),
        dem,
        `${dir}/piece-${i}.tif`,
      ]);
    });
    const whole = `${dir}/whole`;
    const mosaic = `${dir}/mosaic`;
    let r = demgrad(["tiles", dem, whole, "--zoom", "10-13", "-q"]);
    assert.equal(r.status, 0, r.stderr);
    r = demgrad(["tiles", `${dir}/piece-*.tif`, mosaic, "--zoom", "10-13", "-q"]);
    assert.equal(r.status, 0, r.stderr);
    const tiles = listTiles(whole);
    assert.deepEqual(listTiles(mosaic), tiles);
    for (const t of tiles) {
      const a = await decodeTile(`${whole}/${t}.png`);
      const b = await decodeTile(`${mosaic}/${t}.png`);
      assert.deepEqual(b.data, a.data, t);
    }
  });

  test("refuse DEMs on different grids", () => {
    failsWith(
      ["tiles", sample(UTM), sample(GEOGRAPHIC), `${dir}/mixed`, "-q"],
      2,
      /not tiles of one pixel grid/,
    );
  });
});
