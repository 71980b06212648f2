/**
 * What every bench part shares: timing statistics, /proc memory readings, the machine's load, and the summary
 * table printed at the end of `pnpm bench` (every figure with its target and verdict).
 * A verdict is a finding, never a failure: only errors make the bench exit non-zero.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export type TDbName = 'sqlite' | 'postgres';

export type TStats = { runs: number; median: number; p99: number; min: number; max: number };

/** Median, and p99 by nearest rank (with fewer than 100 samples, p99 is the slowest one). */
export function summarize(samples: readonly number[]): TStats {
  if (samples.length === 0) throw new Error('No samples to summarize.');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { runs: n, median, p99: percentile(sorted, 0.99), min: sorted[0]!, max: sorted[n - 1]! };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('No samples for a percentile.');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMiB = (kib: number | null) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`);

// ---------------------------------------------------------------------------
// Memory, from /proc (Linux)

export type TProcMemory = { rssKiB: number; hwmKiB: number };

/** VmRSS and VmHWM (peak RSS) of a process; null when it is gone or /proc is not there. */
export function readProcMemory(pid: number | 'self'): TProcMemory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return rss && hwm ? { rssKiB: Number(rss), hwmKiB: Number(hwm) } : null;
  } catch {
    return null;
  }
}

/** Linux resets VmHWM to the current RSS when "5" is written to clear_refs; false where that is not allowed. */
export function resetPeakMemory(pid: number | 'self'): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's VmRSS every `everyMs` ms: the highest sample, next to VmHWM (which cannot miss a spike). */
export function sampleMemory(pid: number, everyMs = 25): { stop(): TProcMemory | null; readonly peakRssKiB: number } {
  let peak = 0;
  const take = () => {
    const m = readProcMemory(pid);
    if (m) peak = Math.max(peak, m.rssKiB);
    return m;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    get peakRssKiB() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      return take();
    },
  };
}

// ---------------------------------------------------------------------------
// The machine

/** Timings on a shared machine are only as good as its quietness, so the load is printed with them. */
export function describeLoad(): string {
  const [one, five, fifteen] = os.loadavg();
  const busy = (one ?? 0) > os.cpus().length ? ' (busy machine: expect noisy figures)' : '';
  return `load average ${one?.toFixed(2)} / ${five?.toFixed(2)} / ${fifteen?.toFixed(2)} (1 / 5 / 15 min)${busy}`;
}

export function describeMachine(): string {
  return `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}`;
}

// ---------------------------------------------------------------------------
// The summary

export type TVerdict = 'meets' | 'MISSES' | '—';

export type TFigure = {
  part: string;
  db: TDbName | '—';
  figure: string;
  value: string;
  target: string;
  verdict: TVerdict | string;
};

export type TReport = {
  add(figure: TFigure): void;
  readonly figures: readonly TFigure[];
  /** Something a part wants said under the table (a finding, a caveat). */
  note(text: string): void;
  readonly notes: readonly string[];
};

export function createReport(): TReport {
  const figures: TFigure[] = [];
  const notes: string[] = [];
  return {
    add: (f) => figures.push(f),
    figures,
    note: (text) => notes.push(text),
    notes,
  };
}

/** "meets" when value < target (or ≤ with `inclusive`); the verdict of a figure whose lower value is better. */
export function verdictBelow(value: number, target: number, inclusive = false): TVerdict {
  return (inclusive ? value <= target : value < target) ? 'meets' : 'MISSES';
}

export function verdictAtLeast(value: number, target: number): TVerdict {
  return value >= target ? 'meets' : 'MISSES';
}

export function printTable(header: readonly string[], rows: readonly (readonly string[])[], numericColumns: ReadonlySet<number>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (numericColumns.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of rows) console.log(line(c));
}

export function printSummary(report: TReport, startLoad: string): void {
  console.log('\n=== Summary ===');
  console.log(describeMachine());
  console.log(`at start: ${startLoad}`);
  console.log(`at end:   ${describeLoad()}\n`);
  if (report.figures.length === 0) {
    console.log('(no figures: nothing was run)');
  } else {
    printTable(
      ['part', 'db', 'figure', 'value', 'target', 'verdict'],
      report.figures.map((f) => [f.part, f.db, f.figure, f.value, f.target, f.verdict]),
      new Set([3]),
    );
  }
  const missed = report.figures.filter((f) => f.verdict.startsWith('MISSES')).length;
  const judged = report.figures.filter((f) => f.verdict !== '—').length;
  console.log(`\n${judged - missed} of ${judged} figures with a target meet it; ${missed} miss it (a miss is a finding, not an error).`);
  for (const n of report.notes) console.log(`- ${n}`);
}

// ---------------------------------------------------------------------------
// CPU, from /proc (Linux): who used the cores while a figure was taken

let clockTicks: number | null = null;

/** USER_HZ (nearly always 100): the unit of /proc's CPU times. */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system) a process has used so far, in ms; null when it is gone. */
export function readProcCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** The whole machine's CPU time so far (every core), busy and in total, in ms. */
export function readMachineCpuMs(): { busyMs: number; totalMs: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already inside user/nice).
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const factor = 1000 / ticksPerSecond();
    return { busyMs: (total - idle) * factor, totalMs: total * factor };
  } catch {
    return null;
  }
}

/** Context switches of a process so far: voluntary (it waited: I/O, a lock) and involuntary (the scheduler took the core). */
export function readProcSwitches(pid: number): { voluntary: number; involuntary: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const voluntary = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1];
    const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1];
    return voluntary && involuntary ? { voluntary: Number(voluntary), involuntary: Number(involuntary) } : null;
  } catch {
    return null;
  }
}
