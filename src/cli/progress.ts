/** A progress bar on stderr: only on a TTY, only for work that lasts longer than about a second. */

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

const SILENT: ProgressBar = { update() {}, finish() {} };

/** Creates a bar labelled `label`; silent when `quiet` or when stderr is not a terminal. */
export function progressBar(
  label: string,
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  if (quiet || !stream.isTTY) return SILENT;
  const started = Date.now();
  let drawn = false;
  let lastDraw = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < 1000 || (now - lastDraw < 100 && done < total)) return;
      lastDraw = now;
      drawn = true;
      const fraction = total > 0 ? done / total : 1;
      const width = 30;
      const filled = Math.round(fraction * width);
      const elapsed = (now - started) / 1000;
      const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
      stream.write(
        `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%` +
          ` ${done}/${total} ETA ${formatSeconds(eta)}  `,
      );
    },
    finish() {
      if (drawn) stream.write("\n");
    },
  };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "--";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${s.toFixed(0)}s`;
}
