#!/usr/bin/env node
// Builds the optional libdeflate binding (part of `npm run build`). Where libdeflate's header, a compiler or
// node-gyp is missing, it builds nothing and says nothing: demgrad then compresses with node:zlib. Output files
// stay the same format either way. Rebuilds only when deflate.c or binding.gyp changed.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, "build", "Release", "demgrad_deflate.node");
const verbose = process.env["DEMGRAD_NATIVE_VERBOSE"] === "1";
const note = (text) => verbose && process.stderr.write(`native/deflate: ${text}\n`);

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function headerFound() {
  const dirs = [
    "/usr/include",
    "/usr/local/include",
    ...(process.env["CPATH"] ?? "").split(":").filter(Boolean),
  ];
  return dirs.some((dir) => existsSync(join(dir, "libdeflate.h")));
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

function build() {
  if (process.env["DEMGRAD_DEFLATE"] === "zlib") return note("DEMGRAD_DEFLATE=zlib: not built");
  const newest = Math.max(mtime(join(here, "deflate.c")), mtime(join(here, "binding.gyp")));
  if (mtime(addon) > newest) return note("up to date");
  if (!headerFound())
    return note("libdeflate.h not found (install libdeflate-dev): not built, node:zlib is used");
  const gyp = nodeGyp();
  if (!gyp) return note("node-gyp not found: not built, node:zlib is used");
  const headers = nodeHeaders();
  if (!headers) return note("Node's C headers not found: not built, node:zlib is used");
  const result = spawnSync(process.execPath, [gyp, "rebuild", ...headers], { cwd: here, encoding: "utf8" });
  if (result.status !== 0) {
    note(`node-gyp failed, node:zlib is used:\n${result.stdout}${result.stderr}`);
    return;
  }
  // A binding that builds but does not load (a wrong libdeflate, say) must not stay behind.
  try {
    createRequire(import.meta.url)(addon);
    note("built");
  } catch (error) {
    rmSync(addon, { force: true });
    note(`built but does not load, node:zlib is used: ${error.message}`);
  }
}

try {
  build();
} catch (error) {
  note(`not built, node:zlib is used: ${error.message}`);
}
