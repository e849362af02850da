// docs/gallery.md shows every product in the registry, and every picture it names exists (`npm run gallery`
// remakes both from the registry).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { PRODUCT_NAMES } from "../../dist/products/registry.js";
import { ROOT } from "../helpers/cli.js";

test("the gallery has a section with a picture for every product, and its pictures exist", () => {
  const page = readFileSync(`${ROOT}docs/gallery.md`, "utf8");
  const sections = [...page.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(sections, [...PRODUCT_NAMES], "run npm run gallery");
  for (const product of PRODUCT_NAMES) {
    const body = page.split(`## ${product}\n`)[1].split("\n## ")[0];
    const pictures = [...body.matchAll(/\]\((images\/gallery\/[^)]+)\)/g)].map((m) => m[1]);
    assert.ok(pictures.length > 0, `${product}: no picture`);
    for (const picture of pictures) assert.ok(existsSync(`${ROOT}docs/${picture}`), `${picture} is missing`);
  }
});
