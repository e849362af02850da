#!/usr/bin/env node
// Builds the optional native addons (part of `npm run build`): native/deflate, the binding to the system libdeflate,
// and native/kernels, the hot per-pixel loops in C. Where a header, a compiler or node-gyp is missing, it builds
// nothing and says nothing: demgrad then compresses with node:zlib and computes in JavaScript, to the same bits and
// the same file formats. An addon is rebuilt only when its sources changed. DEMGRAD_NATIVE_VERBOSE=1 says why.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const verbose = process.env["DEMGRAD_NATIVE_VERBOSE"] === "1";

/** The addons: folder, target name, sources, the header they need beyond Node's, and the variable that skips them. */
const ADDONS = [
  {
    dir: "deflate",
    target: "demgrad_deflate",
    sources: ["deflate.c"],
    header: "libdeflate.h",
    skip: ["DEMGRAD_DEFLATE", "zlib"],
  },
  { dir: "kernels", target: "demgrad_kernels", sources: ["kernels.c"], skip: ["DEMGRAD_NATIVE", "js"] },
];

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function headerFound(header) {
  const dirs = [
    "/usr/include",
    "/usr/local/include",
    ...(process.env["CPATH"] ?? "").split(":").filter(Boolean),
  ];
  return dirs.some((dir) => existsSync(join(dir, header)));
}

/** node-gyp as npm runs it for install scripts, else the copy bundled with npm, else one in node_modules. */
function nodeGyp() {
  const candidates = [process.env["npm_config_node_gyp"]];
  if (process.env["npm_execpath"])
    candidates.push(
      join(dirname(process.env["npm_execpath"]), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    );
  candidates.push(
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  );
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return undefined;
  }
}

/**
 * node-gyp's --nodedir: the one npm is configured with, else the headers installed next to node (Debian's nodejs
 * and Node's own tarballs ship them), else node-gyp's cache. Never a download: a build must not wait on a network.
 */
function nodeHeaders() {
  const configured = process.env["npm_config_nodedir"];
  if (configured && existsSync(join(configured, "include", "node", "node_api.h")))
    return ["--nodedir", configured];
  const prefix = join(dirname(process.execPath), "..");
  if (existsSync(join(prefix, "include", "node", "node_api.h"))) return ["--nodedir", prefix];
  const cached = join(homedir(), ".cache", "node-gyp", process.versions.node);
  if (existsSync(join(cached, "include", "node", "node_api.h"))) return [];
  return undefined;
}

function build({ dir, target, sources, header, skip }) {
  const folder = join(here, dir);
  const addon = join(folder, "build", "Release", `${target}.node`);
  const note = (text) => verbose && process.stderr.write(`native/${dir}: ${text}\n`);
  const fallback = dir === "deflate" ? "node:zlib is used" : "JavaScript kernels are used";
  if (process.env[skip[0]] === skip[1]) return note(`${skip[0]}=${skip[1]}: not built`);
  const newest = Math.max(...[...sources, "binding.gyp"].map((file) => mtime(join(folder, file))));
  if (mtime(addon) > newest) return note("up to date");
  if (header && !headerFound(header)) return note(`${header} not found: not built, ${fallback}`);
  const gyp = nodeGyp();
  if (!gyp) return note(`node-gyp not found: not built, ${fallback}`);
  const headers = nodeHeaders();
  if (!headers) return note(`Node's C headers not found: not built, ${fallback}`);
  const result = spawnSync(process.execPath, [gyp, "rebuild", ...headers], { cwd: folder, encoding: "utf8" });
  if (result.status !== 0) {
    note(`node-gyp failed, ${fallback}:\n${result.stdout}${result.stderr}`);
    return;
  }
  // An addon that builds but does not load (a wrong libdeflate, say) must not stay behind.
  try {
    createRequire(import.meta.url)(addon);
    note("built");
  } catch (error) {
    rmSync(addon, { force: true });
    note(`built but does not load, ${fallback}: ${error.message}`);
  }
}

for (const addon of ADDONS) {
  try {
    build(addon);
  } catch (error) {
    if (verbose) process.stderr.write(`native/${addon.dir}: not built: ${error.message}\n`);
  }
}
