// The preview page in a real browser: Debian's Chromium driven by playwright-core serves a generated pyramid on
// 127.0.0.1, waits until MapLibre has loaded the tiles, and checks every request, the console and the picture.
// Skips when /usr/bin/chromium is absent (a bare clone); CI installs it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import sharp from "sharp";
import { serveFolder } from "../../dist/tiles/serve.js";
import { demgrad } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-browser-`);
after(() => rmSync(dir, { recursive: true, force: true }));

let playwright;
try {
  playwright = await import("playwright-core");
} catch {
  playwright = undefined;
}
const skip = !existsSync(CHROMIUM)
  ? `Chromium not installed (${CHROMIUM}; Debian package chromium)`
  : !playwright
    ? "playwright-core not installed"
    : missing("sdts_8821_oregon_basin_wy.tif", "dem-hills.tiff");

/** Standard deviation of the grey values of the screenshot's central half (away from MapLibre's controls). */
async function centralSpread(png) {
  const image = sharp(png);
  const { width, height } = await image.metadata();
  const { data } = await image
    .extract({
      left: Math.round(width / 4),
      top: Math.round(height / 4),
      width: Math.round(width / 2),
      height: Math.round(height / 2),
    })
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  let sq = 0;
  for (const v of data) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / data.length;
  return Math.sqrt(sq / data.length - mean * mean);
}

/** Opens the preview of `folder`; returns the responses, console errors and a screenshot once the map is idle. */
async function openPreview(browser, folder) {
  const server = await serveFolder(folder);
  const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  const responses = [];
  const errors = [];
  page.on("response", (r) => responses.push({ status: r.status(), url: r.url() }));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.idle === "true", null, { timeout: 60_000 });
    const screenshot = await page.screenshot();
    return { responses, errors, screenshot };
  } finally {
    await page.close();
    await server.close();
  }
}

describe("preview page in Chromium", { skip }, () => {
  let browser;
  after(() => browser?.close());

  for (const [name, product, zoom] of [
    ["sdts_8821_oregon_basin_wy.tif", "hillshade", "9-12"],
    ["dem-hills.tiff", "terrain-rgb", "11-14"],
  ]) {
    test(`${product}: every tile request is 200, no console error, the map is not blank`, async () => {
      const folder = `${dir}/${product}`;
      const r = demgrad(["tiles", sample(name), folder, "--product", product, "--zoom", zoom, "-q"]);
      assert.equal(r.status, 0, r.stderr);
      browser ??= await playwright.chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      const { responses, errors, screenshot } = await openPreview(browser, folder);
      assert.deepEqual(errors, []);
      const tiles = responses.filter((x) => /\/\d+\/\d+\/\d+\.png$/.test(new URL(x.url).pathname));
      assert.ok(tiles.length >= 2, `${tiles.length} tile requests`);
      assert.deepEqual(
        responses.filter((x) => x.status !== 200),
        [],
        "every request answered 200",
      );
      for (const url of ["/maplibre/maplibre-gl.mjs", "/tiles.json"]) {
        assert.ok(
          responses.some((x) => new URL(x.url).pathname === url),
          `${url} was not loaded`,
        );
      }
      const spread = await centralSpread(screenshot);
      // The background alone is one flat colour (spread 0); the shaded relief varies.
      assert.ok(spread > 8, `grey spread ${spread.toFixed(2)} in the middle of the map`);
      if (process.env.DEMGRAD_TILES_SCREENSHOT && product === "hillshade") {
        await sharp(screenshot)
          .png({ palette: true, colours: 64 })
          .toFile(process.env.DEMGRAD_TILES_SCREENSHOT);
      }
    });
  }
});
