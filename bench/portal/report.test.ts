import { checkTargets, markdownTable, README_END, README_START, spliceBetweenMarkers, type BenchReport, type Measurement, type Target } from './report';

function m(query: string, connections: number, target: Target, requestsPerSecond: number, p99Ms = 50): Measurement {
  return { query, title: query, connections, target, requestsPerSecond, p50Ms: p99Ms / 2, p99Ms, statements: 1, controlStatements: 3, failed: 0 };
}

function report(measurements: Measurement[], over: Partial<BenchReport> = {}): BenchReport {
  return {
    date: '2026-11-30T00:00:00.000Z',
    machine: 'test',
    dataset: { project: 10 },
    seconds: 1,
    quick: true,
    measurements,
    peakRssMb: { Silta: 200, 'Silta cached': 210, PostGraphile: 150, floor: 80 },
    pageSizeStatements: { page10: 2, page50: 2 },
    ...over,
  };
}

const met = (checks: ReturnType<typeof checkTargets>, prefix: string): boolean | undefined => checks.find((c) => c.name.startsWith(prefix))?.met;

describe('portal benchmark report', () => {
  const both = (query: string, silta: number, pg: number, p99 = 50): Measurement[] =>
    [10, 50].flatMap((c) => [m(query, c, 'Silta', silta, p99), m(query, c, 'PostGraphile', pg), m(query, c, 'floor', pg * 3)]);

  it('meets the throughput target only when Silta is at least as fast as PostGraphile everywhere', () => {
    expect(met(checkTargets(report([...both('q1', 120, 100), ...both('q2', 100, 100)])), 'Silta/PostGraphile')).toBe(true);
    const checks = checkTargets(report([...both('q1', 120, 100), ...both('q2', 99, 100)]));
    expect(met(checks, 'Silta/PostGraphile')).toBe(false);
    expect(checks[0].detail).toContain('0.99× (q2');
  });

  it('judges p99 at concurrency 10 only, page-size statements, memory and the cache', () => {
    const slowAt50 = [m('q1', 10, 'Silta', 100, 99), m('q1', 50, 'Silta', 100, 500), m('q1', 10, 'PostGraphile', 100), m('q1', 50, 'PostGraphile', 100)];
    expect(met(checkTargets(report(slowAt50)), 'p99')).toBe(true);
    expect(met(checkTargets(report([m('q1', 10, 'Silta', 100, 100)])), 'p99')).toBe(false);
    expect(met(checkTargets(report(slowAt50, { pageSizeStatements: { page10: 2, page50: 6 } })), 'SQL statements')).toBe(false);
    expect(met(checkTargets(report(slowAt50, { peakRssMb: { Silta: 290 } })), 'peak RSS')).toBe(false); // 290 MiB is 304 MB
    const cached = [m('q1', 10, 'Silta cached', 499), m('q1', 10, 'PostGraphile', 100)];
    expect(met(checkTargets(report(cached)), 'cached')).toBe(false);
    expect(met(checkTargets(report([m('q1', 10, 'Silta cached', 500), m('q1', 10, 'PostGraphile', 100)])), 'cached')).toBe(true);
  });

  it('reports failed requests as a missed target', () => {
    const failing = { ...m('q1', 10, 'Silta', 100), failed: 3 };
    expect(checkTargets(report([failing])).at(-1)).toMatchObject({ name: 'no failed requests', met: false });
  });

  it('prints ratios on Silta rows', () => {
    const table = markdownTable(report(both('q1', 150, 100)));
    expect(table.split('\n')).toHaveLength(2 + 6);
    expect(table).toContain('| q1 q1 | 10 | Silta | 150 | 25.0 | 50.0 | 1 (+3) | – | 200 | 1.50× | 0.50× |');
  });

  it('replaces only what stands between the markers, and insists on them', () => {
    const text = `a\n${README_START}\nold\n${README_END}\nb`;
    expect(spliceBetweenMarkers(text, 'new')).toBe(`a\n${README_START}\nnew\n${README_END}\nb`);
    expect(() => spliceBetweenMarkers('no markers', 'new')).toThrow(/needs one/);
  });
});
