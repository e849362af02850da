// Runs the built CLI in this process and reports how it went on the last stdout line (exit status, time, peak
// memory), so that tests can run hostile inputs in a child they can kill and measure.
import { main } from "../../dist/cli/main.js";

// `node --test test/` also loads this file, without arguments: then there is nothing to run.
if (process.argv.length > 2) {
  const started = performance.now();
  const status = await main(process.argv.slice(2));
  const report = {
    status,
    ms: performance.now() - started,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
  process.exitCode = status;
}
