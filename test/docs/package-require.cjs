// A CommonJS script using demgrad (copied next to a node_modules/demgrad by test/docs/package.test.js).
const demgrad = require("demgrad");
const grad = demgrad.gradient({ data: new Float64Array([1, 2, 4]), shape: [3] });
if (grad[0].data[1] !== 1.5) throw new Error("gradient gave a wrong value");
process.stdout.write(JSON.stringify(Object.keys(demgrad).sort()));
