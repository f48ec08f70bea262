/** The portal benchmark's results and how they are judged and printed: pure, unit-tested. */

export type Target = 'Silta' | 'Silta cached' | 'PostGraphile' | 'floor';

export interface Measurement {
  query: string;
  title: string;
  connections: number;
  target: Target;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** SQL statements per request without session control (BEGIN, COMMIT, set_config); null when not measured. */
  statements: number | null;
  /** Session-control statements per request. */
  controlStatements: number | null;
  failed: number;
  /** The server process's CPU time (user + system) over the timed run, per completed request; null when not measured. */
  cpuMsPerRequest?: number | null;
}

export interface BenchReport {
  date: string;
  machine: string;
  dataset: Record<string, number>;
  seconds: number;
  quick: boolean;
  measurements: Measurement[];
  /** Peak RSS of each server process over the whole run, in MiB. */
  peakRssMb: Partial<Record<Target, number | null>>;
  /** Silta's statements per request for the project page at 10 and at 50 rows. */
  pageSizeStatements: { page10: number; page50: number } | null;
}

export interface TargetCheck {
  name: string;
  met: boolean;
  detail: string;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

function find(report: BenchReport, query: string, connections: number, target: Target): Measurement | undefined {
  return report.measurements.find((m) => m.query === query && m.connections === connections && m.target === target);
}

const fmt = (n: number | null | undefined, digits = 0): string => (n == null || Number.isNaN(n) ? '–' : n.toFixed(digits));
/** Requests per second: whole numbers, but a decimal below 10 (slow queries). */
const rate = (n: number): string => fmt(n, n < 10 ? 1 : 0);
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');

/** The Markdown table: one row per query, concurrency and target, with Silta's ratios on Silta's rows. */
export function markdownTable(report: BenchReport): string {
  const lines = [
    '| query | c | target | req/s | p50 ms | p99 ms | SQL/req | server CPU ms/req | peak RSS MiB | Silta/PostGraphile | Silta/floor |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const m of report.measurements) {
    const isSilta = m.target === 'Silta' || m.target === 'Silta cached';
    const pg = find(report, m.query, m.connections, 'PostGraphile');
    const floor = find(report, m.query, m.connections, 'floor');
    const statements = m.statements == null ? '–' : `${fmt(m.statements, m.statements % 1 ? 1 : 0)}${m.controlStatements ? ` (+${fmt(m.controlStatements, m.controlStatements % 1 ? 1 : 0)})` : ''}`;
    lines.push(
      `| ${m.query} ${m.title} | ${m.connections} | ${m.target} | ${rate(m.requestsPerSecond)}${m.failed ? ` (${m.failed} failed)` : ''} | ${fmt(m.p50Ms, 1)} | ${fmt(m.p99Ms, 1)} | ${statements} | ${m.cpuMsPerRequest == null ? '–' : fmt(m.cpuMsPerRequest, 2)} | ${fmt(report.peakRssMb[m.target])} | ${
        isSilta && pg ? times(ratio(m.requestsPerSecond, pg.requestsPerSecond)) : ''
      } | ${isSilta && floor ? times(ratio(m.requestsPerSecond, floor.requestsPerSecond)) : ''} |`,
    );
  }
  return lines.join('\n');
}

/** The issue's targets, each met or not, with the numbers that decide it. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const uncached = report.measurements.filter((m) => m.target === 'Silta');
  const cached = report.measurements.filter((m) => m.target === 'Silta cached');
  const againstPg = (ms: Measurement[]) =>
    ms.map((m) => ({ m, r: ratio(m.requestsPerSecond, find(report, m.query, m.connections, 'PostGraphile')?.requestsPerSecond ?? 0) }));
  const uncachedRatios = againstPg(uncached);
  const worst = uncachedRatios.reduce((w, x) => (Number.isNaN(w.r) || x.r < w.r ? x : w), { m: undefined as Measurement | undefined, r: Number.NaN });
  const slow = uncached.filter((m) => m.connections === 10 && !(m.p99Ms < 100));
  const failed = report.measurements.filter((m) => m.failed > 0);
  const checks: TargetCheck[] = [
    {
      name: 'Silta/PostGraphile ≥ 1.0 on every query at both concurrencies',
      met: uncachedRatios.length > 0 && uncachedRatios.every((x) => x.r >= 1),
      detail: worst.m ? `lowest ${times(worst.r)} (${worst.m.query}, c=${worst.m.connections}); below 1.0: ${uncachedRatios.filter((x) => !(x.r >= 1)).length} of ${uncachedRatios.length}` : 'not measured',
    },
    {
      name: 'p99 < 100 ms at concurrency 10',
      met: uncached.some((m) => m.connections === 10) && slow.length === 0,
      detail: slow.length ? `over: ${slow.map((m) => `${m.query} ${fmt(m.p99Ms)} ms`).join(', ')}` : 'every query under',
    },
    {
      name: 'SQL statements per request constant in page size (page of 10 vs 50)',
      met: report.pageSizeStatements != null && report.pageSizeStatements.page10 === report.pageSizeStatements.page50,
      detail: report.pageSizeStatements ? `${fmt(report.pageSizeStatements.page10, 1)} vs ${fmt(report.pageSizeStatements.page50, 1)}` : 'not measured',
    },
    {
      name: 'peak RSS < 300 MB',
      met: report.peakRssMb.Silta != null && report.peakRssMb.Silta * 1.048576 < 300 && (report.peakRssMb['Silta cached'] ?? 0) * 1.048576 < 300,
      detail: `Silta ${fmt(report.peakRssMb.Silta)} MiB, cached run ${fmt(report.peakRssMb['Silta cached'])} MiB`,
    },
  ];
  const cachedRatios = againstPg(cached);
  checks.push({
    name: 'cached anonymous queries ≥ 5× PostGraphile',
    met: cachedRatios.length > 0 && cachedRatios.every((x) => x.r >= 5),
    detail: cachedRatios.length ? `lowest ${times(Math.min(...cachedRatios.map((x) => x.r)))}` : 'not measured',
  });
  if (failed.length) checks.push({ name: 'no failed requests', met: false, detail: failed.map((m) => `${m.query} ${m.target} c=${m.connections}: ${m.failed}`).join(', ') });
  return checks;
}

export function targetLines(checks: TargetCheck[]): string {
  return checks.map((c) => `- ${c.met ? '**met**' : '**not met**'}: ${c.name} (${c.detail})`).join('\n');
}

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** Replaces what stands between the markers; the markers must be there, once each, in order. */
export function spliceBetweenMarkers(text: string, content: string): string {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start || text.indexOf(README_START, start + 1) >= 0) {
    throw new Error(`README.md needs one ${README_START} … ${README_END} pair`);
  }
  return `${text.slice(0, start + README_START.length)}\n${content}\n${text.slice(end)}`;
}
