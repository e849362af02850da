// color-relief: the colour-file parser (every form gdaldem reads, and the lines it cannot), and the product against
// gdaldem 3.6's `color-relief` on every real sample and every colour-file form, as GeoTIFF and PNG, nodata included.
// gdaldem runs with GDAL_PAM_ENABLED=NO: computing statistics for percentages would otherwise leave .aux.xml files
// next to the shared samples (and later runs would read them).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { georefFromEpsg, InputError, openDem, processDem, readDem, writeGeoTiff } from "../../dist/index.js";

/** A DEM's values as stored (file units, the nodata value itself), as gdaldem reads them. */
async function storedValues(file) {
  const dem = await openDem(file, { warn: () => {} });
  try {
    const data = await dem.readRows(0, dem.height);
    if (dem.nodata !== undefined)
      for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) data[i] = dem.nodata;
    return data;
  } finally {
    await dem.close();
  }
}

import { namedRamp } from "../../dist/terrain/colour-ramps.js";
import { colourLut, parseColourTable } from "../../dist/terrain/colour-table.js";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { readBands, readPngBands } from "../helpers/raster.js";
import { ALL_SAMPLES, missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-colour-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const NO_GDAL = !HAS_GDAL && "gdal-bin not installed";
const GDAL_ENV = { ...process.env, GDAL_PAM_ENABLED: "NO" };

/** Runs gdaldem color-relief; returns its stderr. */
function gdaldem(dem, colourFile, out, flags = []) {
  const run = spawnSync("gdaldem", ["color-relief", dem, colourFile, out, "-q", ...flags], {
    encoding: "utf8",
    env: GDAL_ENV,
  });
  assert.equal(run.status, 0, `gdaldem color-relief ${flags.join(" ")}: ${run.stderr}`);
  return run.stderr;
}

/** gdaldem color-relief's bands (3, or 4 with -alpha), written as raw ENVI bytes (the quickest to read back). */
function gdaldemBands(dem, colourFile, flags = []) {
  const out = `${dir}/reference.envi`;
  gdaldem(dem, colourFile, out, ["-of", "ENVI", ...flags]);
  const bytes = new Uint8Array(readFileSync(out));
  const count = flags.includes("-alpha") ? 4 : 3;
  const n = bytes.length / count;
  return Array.from({ length: count }, (_, b) => bytes.subarray(b * n, (b + 1) * n));
}

/** The bands demgrad writes: PNG, or a plain uncompressed GeoTIFF (quick to read back). */
async function ourBands(dem, out, options) {
  const tiff = out.endsWith(".tif") ? { layout: "plain", compress: "none" } : {};
  await processDem(dem, { "color-relief": out }, { ...tiff, ...options, warn: () => {} });
  return out.endsWith(".png") ? (await readPngBands(out)).bands : await readBands(out);
}

/** The exact min and max of a DEM's valid cells, as gdalinfo -mm computes them. */
function computedRange(dem) {
  const info = JSON.parse(gdal("gdalinfo", ["-json", "-mm", dem]).stdout);
  const band = info.bands[0];
  return { min: band.computedMin, max: band.computedMax };
}

/**
 * Every colour-file form on a DEM's range: entries at fractions of it (outside it too), written as each syntax
 * writes them. `gdal` is the text gdaldem reads where it differs (it refuses QGIS's INTERPOLATION line).
 */
function colourForms({ min, max }) {
  const at = (f) => Number((min + f * (max - min)).toPrecision(7));
  return [
    {
      name: "spaces",
      text: `${at(-0.05)} 0 0 90\n${at(0)} 10 20 30\n${at(0.31)} 200 50 10\n${at(0.62)} 40 220 90\n${at(1.02)} 250 250 250\n`,
    },
    {
      name: "commas, colons and comments",
      text: `# a comment\n// another\n${at(0.1)},10,20,30\n${at(0.4)}:200:50:10:128\n  ${at(0.9)} , 40 , 220 , 90\n`,
    },
    {
      name: "tabs",
      text: `${at(0)}\t0\t0\t0\t255\n${at(0.5)}\t90\t180\t60\t200\n${at(1)}\t255\t255\t255\t0\n`,
    },
    { name: "percentages", text: "0% 0 0 80\n25% 30 160 40\n50.5% 230 220 120 200\n100% 255 255 255\n" },
    {
      name: "nv",
      text: `${at(0)} 10 20 30\n${at(0.5)} 200 50 10 180\n${at(1)} 250 250 250\nnv 255 0 255 0\n`,
    },
    { name: "GRASS names", text: `${at(0)} blue\n${at(0.5)} brown 128\n${at(0.8)} WHITE\nnv red 0\n` },
    {
      name: "repeated entry (a sharp edge)",
      text: `${at(0)} 0 0 0\n${at(0.5)} 100 100 100\n${at(0.5)} 200 0 0\n${at(1)} 255 255 255\n`,
    },
    {
      name: "GMT .cpt",
      ext: "cpt",
      text: `# COLOR_MODEL = RGB\n${at(0)} 0 0 128 ${at(0.5)} 0 200 0\n${at(0.5)} 0 200 0 ${at(1)} 255 255 0\nB 0 0 0\nF 255 255 255\nN 128 128 128\n`,
    },
    {
      name: "QGIS export",
      text: `# QGIS Generated Color Map Export File\nINTERPOLATION:INTERPOLATED\n${at(0)},43,131,186,255,${at(0)}\n${at(0.5)},255,255,191,255,Label with spaces: and colons\n${at(1)},215,25,28,255,${at(1)}\n`,
      gdal: (text) => text.replace(/^INTERPOLATION.*\n/m, ""),
    },
  ];
}

/** Band-by-band comparison: at most 1 apart on at most 0.1 % of the values (measured: identical). */
function assertSameColours(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: band count`);
  let differ = 0;
  let count = 0;
  for (let b = 0; b < expected.length; b++) {
    const [a, e] = [actual[b], expected[b]];
    assert.equal(a.length, e.length, `${what}: band ${b + 1} size`);
    for (let i = 0; i < e.length; i++) {
      if (a[i] === e[i]) continue;
      assert.ok(Math.abs(a[i] - e[i]) <= 1, `${what}: band ${b + 1} pixel ${i}: ${a[i]} vs gdaldem ${e[i]}`);
      differ++;
    }
    count += e.length;
  }
  assert.ok(differ <= count * 0.001, `${what}: ${differ} of ${count} values off by one`);
}

/** gdaldem 3.6's -exact_color_entry colours only the first entry (GDAL 3.9.2 fixed it): see the exact test. */
function exactFromNearest(nearest, values, entries) {
  return nearest.map((band) => band.map((v, i) => (entries.has(values[i]) ? v : 0)));
}

describe("colour files: every form gdaldem reads", () => {
  test("elevation R G B [A] with spaces, tabs, commas or colons; comments; nv; percentages; GRASS names", () => {
    const table = parseColourTable(
      "# comment\n/ also one\n\n100 1 2 3\n200,4,5,6,7\n300\t8\t9\t10\n400:11:12:13\nnv 0 0 0 0\n50% 255 255 255\n" +
        "5e2 white\n600 Brown 99\n-1.5e1 indigo\r\n",
      "ramp.txt",
    );
    assert.deepEqual(table.entries, [
      { stop: { kind: "value", value: 100 }, rgba: [1, 2, 3, 255] },
      { stop: { kind: "value", value: 200 }, rgba: [4, 5, 6, 7] },
      { stop: { kind: "value", value: 300 }, rgba: [8, 9, 10, 255] },
      { stop: { kind: "value", value: 400 }, rgba: [11, 12, 13, 255] },
      { stop: { kind: "nodata" }, rgba: [0, 0, 0, 0] },
      { stop: { kind: "percent", percent: 50 }, rgba: [255, 255, 255, 255] },
      { stop: { kind: "value", value: 500 }, rgba: [255, 255, 255, 255] },
      // gdaldem's GRASS table: brown is 0.75, 0.5, 0.25 of 255, truncated.
      { stop: { kind: "value", value: 600 }, rgba: [191, 127, 63, 99] },
      { stop: { kind: "value", value: -15 }, rgba: [0, 127, 255, 255] },
    ]);
    assert.equal(table.selection, undefined);
  });

  test("GMT .cpt: segments, B/F ignored, N the nodata colour; R/G/B triplets and L/U/B annotations too", () => {
    const text =
      "# COLOR_MODEL = RGB\n0 0 0 0 100 10 20 30\n100 10/20/30 200 40/50/60 L\nB 1 1 1\nF 2/2/2\nN 3 4 5\n";
    const byModelLine = parseColourTable(text, "x.txt");
    const byName = parseColourTable(text.replace(/^#.*\n/, ""), "x.CPT");
    assert.deepEqual(byModelLine, byName);
    assert.deepEqual(
      byName.entries.map((e) => [e.stop.kind === "value" ? e.stop.value : e.stop.kind, ...e.rgba]),
      [
        [0, 0, 0, 0, 255],
        [100, 10, 20, 30, 255],
        [100, 10, 20, 30, 255],
        [200, 40, 50, 60, 255],
        ["nodata", 3, 4, 5, 255],
      ],
    );
  });

  test("QGIS export: its interpolation, value,R,G,B,A,label lines and an open last class", () => {
    const header = "# QGIS Generated Color Map Export File\n";
    const lines = "119,215,25,28,255,<= 119\n124,232,91,58,255,119 - 124\ninf,44,123,182,255,> 124\n";
    for (const [mode, selection] of [
      ["INTERPOLATED", "interpolate"],
      ["DISCRETE", "discrete"],
      ["EXACT", "exact"],
    ]) {
      const table = parseColourTable(`${header}INTERPOLATION:${mode}\n${lines}`, "qgis.txt");
      assert.equal(table.selection, selection);
      assert.deepEqual(
        table.entries.map((e) => e.stop.value),
        [119, 124, Infinity],
      );
      assert.deepEqual(table.entries[1].rgba, [232, 91, 58, 255]);
    }
  });

  test("a line it cannot read is refused, naming the file and the line", () => {
    const cases = [
      ["0 0 0 0\n100 300 0 0\n", 'line 2: red "300" is not a whole number 0–255'],
      ["100 purpel\n", 'line 1: "purpel" is neither R G B values nor a colour name (white, black, red,'],
      ["abc 1 2 3\n", 'line 1: "abc" is not an elevation'],
      ["100m 1 2 3\n", 'line 1: "100m" is not an elevation'],
      ["# ok\n120% 1 2 3\n", 'line 2: percentage "120%" is not within 0–100 %'],
      ["100\n", "line 1: expected an elevation and a colour"],
      ["100 1 2 3 opaque\n", 'line 1: alpha "opaque" is not a whole number 0–255'],
      ["100 1 2.5x 3\n", 'line 1: green "2.5x" is not a whole number 0–255'],
      ["100 red -1\n", 'line 1: alpha "-1" is not a whole number 0–255'],
      ["# COLOR_MODEL = HSV\n0 0 1 1 100 0 1 1\n", "line 1: only COLOR_MODEL = RGB is supported"],
      ["# COLOR_MODEL = RGB\n0 0 0 0 100\n", "line 2: expected a GMT segment: z0 R G B z1 R G B"],
      ["# COLOR_MODEL = RGB\nN 1 2\n", 'line 2: expected "N R G B"'],
      [
        "INTERPOLATION:SPLINE\n0 0 0 0\n",
        'line 1: unknown interpolation "SPLINE" (INTERPOLATED, DISCRETE or EXACT)',
      ],
      ["# only a comment\n\n", "no colour entry found"],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseColourTable(text, "bad.txt"),
        (e) => e instanceof InputError && e.file === "bad.txt" && e.message.startsWith(message),
        `${JSON.stringify(text)} should fail with: ${message}`,
      );
    }
  });

  test("the command line: one line naming the file and line, exit 1, and no output", () => {
    const bad = `${dir}/bad-ramp.txt`;
    writeFileSync(bad, "0 0 0 0\n100 10 20 30\n200 blue-ish\n");
    const out = `${dir}/never.tif`;
    const run = demgrad(["color-relief", sample("storml_elev.tif"), bad, out, "-q"]);
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      `demgrad: ${bad}: line 3: "blue-ish" is neither R G B values nor a colour name (white, black, red, green, blue, yellow, magenta, cyan, aqua, grey, orange, brown, purple, violet, indigo)\n`,
    );
    const absent = demgrad(["color-relief", sample("storml_elev.tif"), `${dir}/absent.txt`, out, "-q"]);
    assert.equal(absent.status, 1);
    assert.equal(absent.stderr, `demgrad: ${dir}/absent.txt: no such file\n`);
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes("never")),
      [],
    );
  });
});

describe("the table for one DEM: gdaldem's ordering and clean-up", () => {
  test("nv takes the nodata value, percentages the range; repeated entries are pulled apart by ulps", () => {
    const table = parseColourTable(
      "50% 1 1 1\n0% 0 0 0\nnv 9 9 9\n100 5 5 5\n100 6 6 6\n200 7 7 7\n",
      "t.txt",
    );
    const lut = colourLut(table, { nodata: -9999, range: { min: 10, max: 30 } }, "interpolate");
    const values = Array.from(lut.values);
    // Sorted; just above nodata a copy of the next entry (no value interpolates into the nodata colour).
    assert.deepEqual(values.slice(0, 4), [-9999, -9998.999999999998, 10, 20]);
    assert.deepEqual(Array.from(lut.rgba.subarray(4, 8)), [0, 0, 0, 255]);
    // The two 100s, 1 and 2 ulps of 100 apart from 100 itself, balanced around it.
    assert.ok(values[4] < 100 && values[5] > 100 && values[5] - values[4] < 1e-12, values.join(", "));
    const noNodata = colourLut(table, { nodata: undefined, range: { min: 10, max: 30 } }, "interpolate");
    assert.equal(noNodata.values.length, 5, "nv is left out on a DEM without nodata");
  });

  test("named ramps: percentages, or metres converted to the DEM's vertical unit; nodata and NaN transparent", () => {
    const terrain = namedRamp("terrain");
    assert.ok(terrain.entries.slice(0, -2).every((e) => e.stop.kind === "percent"));
    const feet = namedRamp("hypsometric", 0.3048);
    assert.ok(Math.abs(feet.entries[1].stop.value - 200 / 0.3048) < 1e-9);
    for (const name of ["terrain", "hypsometric", "bathymetry", "grey"]) {
      const [nodata, nan] = namedRamp(name).entries.slice(-2);
      assert.deepEqual(nodata, { stop: { kind: "nodata" }, rgba: [0, 0, 0, 0] });
      assert.ok(Number.isNaN(nan.stop.value) && nan.rgba[3] === 0, name);
    }
  });
});

describe("color-relief equals gdaldem 3.6 color-relief", { skip: NO_GDAL }, () => {
  for (const name of ALL_SAMPLES) {
    test(name, { skip: missing(name) }, async () => {
      const dem = sample(name);
      const stem = `${dir}/${name}`;
      const forms = colourForms(computedRange(dem));
      for (const [k, form] of forms.entries()) {
        const ours = `${stem}.${k}.${form.ext ?? "txt"}`;
        const theirs = `${stem}.${k}.gdal.${form.ext ?? "txt"}`;
        writeFileSync(ours, form.text);
        writeFileSync(theirs, form.gdal ? form.gdal(form.text) : form.text);
        // One gdaldem run with -alpha: its first three bands are what it writes without.
        const reference = gdaldemBands(dem, theirs, ["-alpha"]);
        const png = await ourBands(dem, `${stem}.${k}.png`, { colorFile: ours, alpha: true });
        assertSameColours(png, reference, `${form.name} -alpha, PNG`);
        if (k === 0 || k === 4) {
          const tif = await ourBands(dem, `${stem}.${k}.tif`, { colorFile: ours, alpha: k === 4 });
          assertSameColours(tif, k === 4 ? reference : reference.slice(0, 3), `${form.name}, GeoTIFF`);
        }
        if (k === 0) {
          const rgb = await ourBands(dem, `${stem}.${k}.rgb.png`, { colorFile: ours });
          assertSameColours(rgb, reference.slice(0, 3), `${form.name}, RGB PNG`);
        }
      }
      // The selection modes, on the plain and the sharp-edged tables.
      for (const k of [0, 6]) {
        const file = `${stem}.${k}.txt`;
        const reference = gdaldemBands(dem, file, ["-nearest_color_entry", "-alpha"]);
        const nearest = await ourBands(dem, `${stem}.${k}.nearest.png`, {
          colorFile: file,
          nearestColor: true,
          alpha: true,
        });
        assertSameColours(nearest, reference, `${forms[k].name} -nearest_color_entry`);
        if (k !== 0) continue;
        // Exact: a cell equal to an entry takes its colour, which is also its nearest entry's; others 0, 0, 0, 0.
        const entries = new Set(parseColourTable(forms[k].text, file).entries.map((e) => e.stop.value));
        const values = Float64Array.from(await storedValues(dem), (v) => Math.fround(v));
        const exact = await ourBands(dem, `${stem}.${k}.exact.png`, {
          colorFile: file,
          exactColor: true,
          alpha: true,
        });
        assertSameColours(exact, exactFromNearest(reference, values, entries), "exact");
      }
    });
  }
});

describe("gdaldem's rules on small rasters", { skip: NO_GDAL }, () => {
  /** A one-row Float32 DEM of `values` with `nodata`. */
  async function row(file, values, nodata) {
    const path = `${dir}/${file}`;
    const data = Float32Array.from(values);
    const georef = georefFromEpsg(32633, [500000, 30, 0, 4500000, 0, -30], { width: data.length, height: 1 });
    await writeGeoTiff(path, { width: data.length, height: 1, data }, { like: georef, nodata });
    return path;
  }
  const CELLS = [-9999, -50, 0, 25, 50, 99.9, 100, 100.1, 150, 200, 250];

  for (const [what, text, nodata] of [
    [
      "nodata between entries: no value interpolates into its colour",
      "0 0 0 0\nnv 255 0 0\n200 200 200 200\n",
      100,
    ],
    [
      "nodata below the entries, without nv: the first entry's colour",
      "0 10 20 30\n200 200 200 200\n",
      -9999,
    ],
    [
      "a repeated entry: either side takes either colour",
      "0 0 0 0\n100 100 100 100\n100 200 0 0\n200 250 250 250\n",
      undefined,
    ],
    ["GRASS names with alpha, and nv", "0 white\n100 red 128\n200 brown\nnv blue 7\n", -9999],
  ]) {
    test(what, async () => {
      const dem = await row(`${what.replace(/[^a-z]+/gi, "-")}.tif`, CELLS, nodata);
      const file = `${dem}.txt`;
      writeFileSync(file, text);
      for (const flags of [[], ["-nearest_color_entry"]]) {
        const expected = `${dem}${flags.join("")}.gdal.tif`;
        gdaldem(dem, file, expected, ["-alpha", ...flags]);
        const actual = `${dem}${flags.join("")}.tif`;
        const nearestColor = flags.length > 0;
        await processDem(
          dem,
          { "color-relief": actual },
          { colorFile: file, alpha: true, nearestColor, warn: () => {} },
        );
        assertSameColours(await readBands(actual), await readBands(expected), `${what} ${flags.join(" ")}`);
      }
    });
  }

  test("NaN cells of a DEM without nodata take the NaN entry's colour, else the last entry's (as gdaldem)", async () => {
    const dem = await row("nan.tif", [0, Number.NaN, 100], undefined);
    for (const text of ["0 0 0 0\n100 100 100 100\n", "0 0 0 0\n100 100 100 100\nnan 1 2 3\n"]) {
      const file = `${dir}/nan-${text.length}.txt`;
      writeFileSync(file, text);
      const expected = `${file}.gdal.tif`;
      gdaldem(dem, file, expected);
      const actual = `${file}.tif`;
      await processDem(dem, { "color-relief": actual }, { colorFile: file, warn: () => {} });
      assertSameColours(await readBands(actual), await readBands(expected), text);
    }
  });

  test("percentages of the file's stored statistics when it has them, stale or not (as gdaldem)", async () => {
    const dem = await row("stats.tif", [100, 125, 150, 175, 200], undefined);
    const edit = spawnSync("gdal_edit.py", ["-setstats", "0", "1000", "500", "100", dem], { env: GDAL_ENV });
    assert.equal(edit.status, 0, String(edit.stderr));
    const file = `${dir}/stats.txt`;
    writeFileSync(file, "0% 0 0 0\n100% 250 250 250\n");
    const expected = `${dir}/stats.gdal.tif`;
    gdaldem(dem, file, expected);
    const out = `${dir}/stats-out.tif`;
    await processDem(dem, { "color-relief": out }, { colorFile: file, warn: () => {} });
    const [red] = await readBands(out);
    assert.deepEqual(Array.from(red), [25, 31, 37, 44, 50]);
    assertSameColours(await readBands(out), await readBands(expected), "stored statistics");
  });

  test("exact entries: every entry's value takes its colour (gdaldem 3.6 colours only the first's)", async () => {
    const dem = await row("exact.tif", [0, 50, 100, 150, 200, 75], undefined);
    const file = `${dir}/exact.txt`;
    writeFileSync(file, "0 10 10 10\n50 20 20 20\n100 30 30 30\n150 40 40 40\n200 50 50 50\n");
    const out = `${dir}/exact-out.tif`;
    await processDem(
      dem,
      { "color-relief": out },
      { colorFile: file, exactColor: true, alpha: true, warn: () => {} },
    );
    const [red, , , alpha] = await readBands(out);
    assert.deepEqual(Array.from(red), [10, 20, 30, 40, 50, 0]);
    assert.deepEqual(Array.from(alpha), [255, 255, 255, 255, 255, 0]);
    // gdaldem 3.6.2 measured: only the first entry matches.
    const gdalOut = `${dir}/exact-out.gdal.tif`;
    gdaldem(dem, file, gdalOut, ["-exact_color_entry"]);
    assert.deepEqual(Array.from((await readBands(gdalOut))[0]), [10, 0, 0, 0, 0, 0]);
  });

  test("QGIS's discrete classes: the first entry at or above the value; none above the last", async () => {
    const dem = await row("discrete.tif", [100, 119, 120, 124, 125, 1e6], undefined);
    const file = `${dir}/discrete.txt`;
    writeFileSync(
      file,
      "# QGIS Generated Color Map Export File\nINTERPOLATION:DISCRETE\n119,1,1,1,255,a\n124,2,2,2,255,b\n130,3,3,3,255,c\n",
    );
    const out = `${dir}/discrete-out.tif`;
    await processDem(dem, { "color-relief": out }, { colorFile: file, alpha: true, warn: () => {} });
    const [red, , , alpha] = await readBands(out);
    assert.deepEqual(Array.from(red), [1, 1, 2, 2, 3, 0]);
    assert.deepEqual(Array.from(alpha), [255, 255, 255, 255, 255, 0]);
    // A flag chooses over the file's own interpolation.
    await processDem(dem, { "color-relief": out }, { colorFile: file, nearestColor: true, warn: () => {} });
    assert.deepEqual(Array.from((await readBands(out))[0]), [1, 1, 1, 2, 2, 3]);
  });
});

describe("named ramps", { skip: NO_GDAL }, () => {
  /** A named ramp written as a gdaldem colour file (percentages, or elevations in the DEM's unit). */
  function rampFile(name, unitMetres) {
    const lines = namedRamp(name, unitMetres).entries.map(({ stop, rgba }) => {
      const at =
        stop.kind === "nodata" ? "nv" : stop.kind === "percent" ? `${stop.percent}%` : String(stop.value);
      return `${at} ${rgba.join(" ")}`;
    });
    const file = `${dir}/ramp-${name}-${unitMetres}.txt`;
    writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  }

  for (const [ramp, name, unitMetres] of [
    ["terrain", "N43E006.tiff", 1],
    ["grey", "castro_dem.tiff", 1],
    ["hypsometric", "srtm_bigtujunga30m_utm11.tif", 1],
    ["hypsometric", "inldata_dem.tif", 0.3048], // elevations in feet
    ["bathymetry", "N43E006.tiff", 1],
  ]) {
    test(`--ramp ${ramp} equals gdaldem with the ramp as a colour file (${name})`, {
      skip: missing(name),
    }, async () => {
      const dem = sample(name);
      const expected = `${dir}/ramp-${ramp}-${name}.gdal.tif`;
      gdaldem(dem, rampFile(ramp, unitMetres), expected, ["-alpha"]);
      const actual = `${dir}/ramp-${ramp}-${name}.tif`;
      await processDem(dem, { "color-relief": actual }, { ramp, alpha: true, warn: () => {} });
      assertSameColours(await readBands(actual), await readBands(expected), ramp);
    });
  }

  test("the default is the terrain ramp, and nodata is transparent with --alpha", {
    skip: missing("storml_elev_orig.tif"),
  }, async () => {
    const dem = sample("storml_elev_orig.tif");
    const [byDefault, terrain] = [`${dir}/default.tif`, `${dir}/terrain.tif`];
    await processDem(dem, { "color-relief": byDefault }, { alpha: true, warn: () => {} });
    await processDem(dem, { "color-relief": terrain }, { ramp: "terrain", alpha: true, warn: () => {} });
    const bands = await readBands(byDefault);
    assert.deepEqual(bands, await readBands(terrain));
    // readDem gives NaN for nodata.
    const values = (await readDem(dem)).data;
    for (let i = 0; i < values.length; i++)
      assert.equal(bands[3][i] === 0, Number.isNaN(values[i]), `pixel ${i}`);
  });
});

describe("the product's command, output and options", () => {
  const dem = sample("storml_elev_orig.tif");

  test("<dem> [color-file] <out>, or --color-file, or --ramp; terrain and batch carry it", {
    skip: missing("storml_elev_orig.tif"),
  }, async () => {
    const file = `${dir}/cli.txt`;
    writeFileSync(file, "2500 0 0 255\n3000 255 255 0\nnv 0 0 0\n");
    const outputs = [`${dir}/cli-positional.tif`, `${dir}/cli-flag.tif`, `${dir}/cli-terrain.tif`];
    for (const args of [
      ["color-relief", dem, file, outputs[0]],
      ["color-relief", dem, outputs[1], "--color-file", file],
      ["terrain", dem, "--color-relief", outputs[2], "--color-file", file],
      ["batch", dem, "-o", `${dir}/cli-batch`, "--products", "color-relief", "--color-file", file],
    ]) {
      const run = demgrad([...args, "-q"]);
      assert.equal(run.status, 0, `${args.join(" ")}: ${run.stderr}`);
    }
    const first = await readBands(outputs[0]);
    for (const other of outputs.slice(1)) assert.deepEqual(await readBands(other), first, other);
    // batch writes every product that can be a PNG as one (--hillshade-format).
    const batch = await readPngBands(`${dir}/cli-batch/storml_elev_orig.color-relief.png`);
    assert.deepEqual(
      batch.bands,
      first.map((band) => Uint8Array.from(band)),
    );
    const ramp = demgrad(["color-relief", dem, `${dir}/cli-ramp.png`, "--ramp", "grey", "-q"]);
    assert.equal(ramp.status, 0, ramp.stderr);
    assert.match(demgrad(["--help"]).stdout, /color-relief \[options\] <dem> \[color-file\] <out>/);
  });

  test("contradictions and a missing output are usage errors (exit 2)", () => {
    const file = `${dir}/cli.txt`;
    writeFileSync(file, "0 0 0 0\n");
    for (const [args, message] of [
      [
        [dem, file, `${dir}/x.tif`, "--ramp", "grey"],
        "demgrad: --color-file cannot be combined with --ramp\n",
      ],
      [
        [dem, `${dir}/x.tif`, "--exact-color", "--nearest-color"],
        "demgrad: --exact-color cannot be combined with --nearest-color\n",
      ],
      [
        [dem, file, `${dir}/x.tif`, "--color-file", file],
        "demgrad: the color-file is given twice: as an argument and as --color-file\n",
      ],
      [[dem], "demgrad: missing required argument 'out'\n"],
      [
        [dem, `${dir}/x.tif`, "--ramp", "rainbow"],
        /^demgrad: option '--ramp <name>' argument 'rainbow' is invalid/,
      ],
    ]) {
      const run = demgrad(["color-relief", ...args, "-q"]);
      assert.equal(run.status, 2, run.stderr);
      if (typeof message === "string") assert.equal(run.stderr, message);
      else assert.match(run.stderr, message);
    }
    assert.equal(existsSync(`${dir}/x.tif`), false);
  });

  test("GeoTIFF: RGB or RGBA colour interpretation, the DEM's CRS and geotransform, no nodata", {
    skip: NO_GDAL || missing("storml_elev_orig.tif"),
  }, async () => {
    for (const alpha of [false, true]) {
      const out = `${dir}/interp-${alpha}.tif`;
      await processDem(dem, { "color-relief": out }, { alpha, warn: () => {} });
      const info = JSON.parse(gdal("gdalinfo", ["-json", out]).stdout);
      const source = JSON.parse(gdal("gdalinfo", ["-json", dem]).stdout);
      assert.deepEqual(
        info.bands.map((b) => b.colorInterpretation),
        alpha ? ["Red", "Green", "Blue", "Alpha"] : ["Red", "Green", "Blue"],
      );
      assert.ok(info.bands.every((b) => b.type === "Byte" && b.noDataValue === undefined));
      assert.deepEqual(info.geoTransform, source.geoTransform);
      assert.equal(info.coordinateSystem.wkt, source.coordinateSystem.wkt);
    }
  });

  test("an nv entry on a DEM without nodata is ignored with gdaldem's warning", {
    skip: missing("rgbify_elev.tif"),
  }, async () => {
    const file = `${dir}/nv.txt`;
    writeFileSync(file, "0 0 0 0\n100 255 255 255\nnv 255 0 0\n");
    const warnings = [];
    await processDem(
      sample("rgbify_elev.tif"),
      { "color-relief": `${dir}/nv.tif` },
      {
        colorFile: file,
        warn: (m) => warnings.push(m),
      },
    );
    assert.deepEqual(warnings, [
      "the colour table's nodata entry (nv) is ignored: the DEM has no nodata value",
    ]);
  });

  test("a DEM whose georeferencing gives no ground distances is still coloured", {
    skip: missing("whitebox_DEM.tif"),
  }, async () => {
    const out = `${dir}/local.tif`;
    await processDem(sample("whitebox_DEM.tif"), { "color-relief": out }, { warn: () => {} });
    assert.equal((await readBands(out)).length, 3);
  });
});
