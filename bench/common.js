// Shared benchmark helpers: public tools only (performance.now, /usr/bin/time -v), printed as tables.
import { spawnSync } from "node:child_process";

/** Runs a command under /usr/bin/time -v (when available): wall seconds, peak RSS in MiB and CPU seconds. */
export function timeCommand(command, args, options = {}) {
  const hasTime = spawnSync("/usr/bin/time", ["-V"]).status !== null;
  const start = performance.now();
  const result = hasTime
    ? spawnSync("/usr/bin/time", ["-v", command, ...args], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
        ...options,
      })
    : spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26, ...options });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? "");
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr ?? "");
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr ?? "");
  return {
    seconds,
    rssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
    // CPU seconds of the command and its children (user + system), NaN without /usr/bin/time.
    cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : Number.NaN,
    stdout: result.stdout,
  };
}

export function has(command) {
  return spawnSync(command, ["--version"]).error === undefined;
}

/** Prints rows of objects as an aligned table. */
export function table(rows) {
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join("  ");
  console.log(line(keys));
  console.log(line(width.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}
