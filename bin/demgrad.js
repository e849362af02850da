#!/usr/bin/env node
// `demgrad --version` alone is answered here: it needs none of the command's modules (their loading is most of a
// start-up). Everything else runs the built CLI (`npm run build` writes dist/): in a checkout that was not built,
// say so plainly.
import { readFileSync, writeSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  try {
    writeSync(1, `${version}\n`);
  } catch (error) {
    // As any command's output: one line naming the problem (a full disk, a closed pipe), exit status 1.
    const { outputError } = await import("../dist/io/atomic.js");
    process.stderr.write(`demgrad: standard output: ${outputError("standard output", error).message}\n`);
    process.exitCode = 1;
  }
} else {
  let cli;
  try {
    cli = await import("../dist/cli/main.js");
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("main.js")) throw error;
    process.stderr.write(
      "demgrad: the command is not built yet: run `npm run build` in the repository first\n",
    );
    process.exit(1);
  }
  process.exitCode = await cli.main(args);
}
