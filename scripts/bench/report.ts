/** One measured value. Cases print rows as JSON lines on stdout; scripts/bench.ts tabulates them. */
export interface BenchRow {
  case: string;
  metric: string;
  value: string;
  goal?: string;
}

export function report(row: BenchRow): void {
  process.stdout.write(JSON.stringify(row) + "\n");
}

export function millis(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
