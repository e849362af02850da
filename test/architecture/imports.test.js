// The layers stay honest (ARCHITECTURE.md): the import graph of src/ — type imports included — has no cycle, the
// pure layers import no I/O, I/O knows nothing of terrain, and the strip worker never reaches geotiff.js (its
// web-worker polyfill would take over the worker thread).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

const SRC = join(ROOT, "src");

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
function specifiers(text) {
  const found = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /new URL\(\s*["'](\.[^"']+\.js)["']\s*,\s*import\.meta\.url\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

/** The graph: src-relative file → { local: src-relative files it imports, packages: bare specifiers }. */
function importGraph() {
  const graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const local = [];
    const packages = [];
    for (const spec of specifiers(text)) {
      if (spec.startsWith("."))
        local.push(relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, ".ts"))));
      else packages.push(spec);
    }
    graph.set(relative(SRC, file), { local, packages, text });
  }
  return graph;
}

const graph = importGraph();
const layer = (file) => (file.includes("/") ? file.split("/")[0] : "(top)");
// A worker script is reached through `new URL("./x.js", import.meta.url)`: a spawn, not an import.
const spawns = (from, to) =>
  graph.get(from).text.includes(`new URL("./${to.split("/").pop().replace(/\.ts$/, ".js")}"`);

test("the graph covers the source tree", () => {
  assert.ok(graph.size > 40, `${graph.size} files`);
  for (const [file, { local }] of graph)
    for (const target of local) assert.ok(graph.has(target), `${file} imports a missing ${target}`);
});

test("no import cycle, type imports included", () => {
  const state = new Map();
  const cycles = [];
  const visit = (file, path) => {
    state.set(file, "open");
    for (const next of graph.get(file).local) {
      if (spawns(file, next)) continue;
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);
  assert.deepEqual(cycles, []);
});

test("layers: core and terrain are pure, io knows no terrain, products reach no io, pipeline or cli", () => {
  const forbidden = {
    core: ["io", "pipeline", "cli", "products", "terrain", "geo", "tiles"],
    terrain: ["io", "pipeline", "cli", "products", "tiles"],
    io: ["terrain", "products", "pipeline", "cli", "tiles"],
    products: ["io", "pipeline", "cli", "tiles"],
    options: ["io", "pipeline", "cli", "products", "terrain", "tiles"],
    geo: ["io", "pipeline", "cli", "products", "terrain", "tiles"],
    pipeline: ["cli"],
  };
  const broken = [];
  for (const [file, { local, packages }] of graph) {
    const banned = forbidden[layer(file)] ?? [];
    for (const target of local) if (banned.includes(layer(target))) broken.push(`${file} → ${target}`);
    if (["core", "terrain", "products", "options"].includes(layer(file))) {
      for (const p of packages) if (!p.startsWith("node:") || p === "node:fs") broken.push(`${file} → ${p}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("the strip worker never reaches geotiff.js, not even through a type", () => {
  const seen = new Set();
  const reach = (file, path) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { local, packages } = graph.get(file);
    for (const p of packages)
      assert.ok(p !== "geotiff" && !p.startsWith("geotiff/"), `${[...path, p].join(" → ")}`);
    for (const next of local) reach(next, [...path, next]);
  };
  reach("pipeline/strip-worker.ts", ["pipeline/strip-worker.ts"]);
  assert.ok(seen.size > 5, "the worker's imports were followed");
});
