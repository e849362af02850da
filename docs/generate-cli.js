// Regenerates docs/cli.md from the commander definitions (run: npm run docs). test/docs checks it is current.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cliReference } from "../test/docs/cli-reference.js";

const out = fileURLToPath(new URL("cli.md", import.meta.url));
writeFileSync(out, cliReference());
console.log(`wrote ${out}`);
