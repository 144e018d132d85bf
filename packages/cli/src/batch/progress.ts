/**
 * The progress bar of `predict --file` on a terminal: bytes read of the input file, rows and
 * rows/s, redrawn in place on stderr at most 5 times a second. Nothing is drawn when stderr is
 * not a terminal (a pipe or a log file gets the summary line only).
 */
import type { WriteStream } from "node:tty";

export interface ProgressBar {
  update(rows: number): void;
  done(): void;
}

const WIDTH = 30;

/**
 * @param total the input's size in bytes; `read()` the bytes read so far.
 * @example const bar = progressBar(process.stderr, size, () => input.bytesRead);
 */
export function progressBar(
  stream: NodeJS.WriteStream | WriteStream,
  total: number,
  read: () => number,
): ProgressBar | undefined {
  if (!stream.isTTY) return undefined;
  const started = performance.now();
  let drawnAt = 0;
  let drawn = false;
  return {
    update(rows) {
      const now = performance.now();
      if (now - drawnAt < 200) return;
      drawnAt = now;
      drawn = true;
      const share = total > 0 ? Math.min(1, read() / total) : 0;
      const filled = Math.round(share * WIDTH);
      const rate = Math.round(rows / Math.max((now - started) / 1000, 1e-3));
      stream.write(
        `\r[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString("en")} rows  ${rate.toLocaleString("en")} rows/s `,
      );
    },
    done() {
      if (drawn) stream.write("\n");
    },
  };
}
