// Interrupting `writeTiles` (Ctrl-C in the CLI): it stops with an AbortError and leaves no archive, spool or
// half-written tile behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { writeTiles } from "../../dist/tiles/pyramid.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-tiles-abort-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const UTM = "sdts_8821_oregon_basin_wy.tif";

function filesUnder(path) {
  return existsSync(path) ? readdirSync(path, { recursive: true }).map(String) : [];
}

describe("interrupted tiles", { skip: missing(UTM) }, () => {
  for (const [kind, output] of [
    ["folder", "folder"],
    ["PMTiles archive", "set.pmtiles"],
  ]) {
    test(`${kind}: an abort after the first tiles stops the run and leaves no partial file`, async () => {
      const controller = new AbortController();
      const out = `${dir}/${output}`;
      await assert.rejects(
        writeTiles([sample(UTM)], out, {
          zoom: "10-13",
          jobs: 2,
          signal: controller.signal,
          onTile: (done) => {
            if (done === 3) controller.abort();
          },
        }),
        (error) => error.code === "ABORTED",
      );
      assert.equal(existsSync(`${dir}/set.pmtiles`), false);
      const leftovers = [...filesUnder(dir)].filter((f) => f.endsWith(".tmp"));
      assert.deepEqual(leftovers, []);
      assert.equal(existsSync(`${out}/tiles.json`), false, "a finished-looking folder");
    });
  }
});
