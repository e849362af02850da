// Runs the built CLI as a user would: a child process, its exit status, stdout and stderr.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = `${ROOT}bin/demgrad.js`;

/** Runs `demgrad ...args`; returns { status, stdout, stderr }. */
export function demgrad(args, options = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: options.timeout ?? 120_000,
    env: { ...process.env, DEMGRAD_DEBUG: "", ...options.env },
    cwd: options.cwd,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

/** Runs a GDAL utility and returns its stdout (throws on failure). */
export function gdal(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** GDAL's utilities are the reference; CI installs them, so there a missing GDAL is an error, not a skip. */
export const HAS_GDAL = spawnSync("gdalinfo", ["--version"]).status === 0;
if (!HAS_GDAL && process.env.CI) throw new Error("gdal-bin is required in CI (.ci/run installs it)");
