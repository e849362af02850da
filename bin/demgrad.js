#!/usr/bin/env node
// The command is the built CLI (`npm run build` writes dist/): in a checkout that was not built, say so plainly.
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
process.exitCode = await cli.main(process.argv.slice(2));
