// A node:test reporter that adds, after the run, one line per skip reason: "12 tests skipped: <reason>". A bare
// clone (no ../shared, no GDAL) then says plainly what it did not run and why; nothing skips silently.
export default async function* skipSummary(source) {
  const reasons = new Map();
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const skip = event.data.skip;
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === "string" && skip !== "" ? skip : "no reason given";
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1]))
    yield `${count} test${count === 1 ? "" : "s"} skipped: ${reason}\n`;
}
