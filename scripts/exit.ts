/**
 * Exit once stdout and stderr have been written out. Scripts end with process.exit because native
 * handles (ONNX runtime, SQLite) can keep the event loop alive, but on a pipe Node writes stdout
 * asynchronously and a bare exit cuts long output (`tasks --json | jq` stopped at ~60 KB).
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
