/** What a command may do to the outside world: tests substitute their own. */
export interface CommandIo {
  /** Writes one line to standard output. */
  readonly stdout: (line: string) => void;
  /** Writes one line to standard error. */
  readonly stderr: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM), or the process that started it is gone. */
  readonly untilStopped: () => Promise<void>;
  /** Whether standard output is a terminal that shows colour. */
  readonly color?: boolean;
  /**
   * Shows a transient status line (progress) on a terminal's standard error; `''` clears it. Absent
   * when standard error is not a terminal: then commands stay quiet.
   */
  readonly status?: ((text: string) => void) | undefined;
}

/** Whether a stream should get colour: a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
function wantsColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY && stream.hasColors();
}

/** How often a running command checks that the process that started it is still there. */
const parentCheckMs = 250;

/** The process's own streams and signals. */
export const processIo: CommandIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  // SIGINT, SIGTERM, or the parent gone: a wrapper (`npx` runs the command under `sh -c`) that is
  // killed does not pass the signal on, and would leave the command running, orphaned.
  untilStopped: () =>
    new Promise((resolve) => {
      const parent = process.ppid;
      const orphaned = setInterval(() => {
        if (process.ppid !== parent) stop();
      }, parentCheckMs);
      orphaned.unref();
      function stop() {
        clearInterval(orphaned);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      }
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
  color: wantsColor(process.stdout),
  status: process.stderr.isTTY ? (text) => process.stderr.write(`\r\u001b[2K${text}`) : undefined,
};
