/** Progress on stderr, with the seconds since the bench started. */
export function log(text: string): void {
  process.stderr.write(`[bench +${Math.round(performance.now() / 1000)}s] ${text}\n`);
}
