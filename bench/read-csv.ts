import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { FinnishBusinessIds } from 'finnish-business-ids';
import { FundingSource } from '../src/modules/funding/funding.enums';
import { Scheme } from '../src/modules/programme/programme.enums';
import { readRecords } from '../src/modules/exchange/readers';
import type { ReadContext } from '../src/modules/exchange/readers/read-context';

/**
 * The CSV readers alone (no database): generates a CSV of N rows (default 100 000) in Silta's own
 * format (UTF-8) and as Leader decisions (Windows-1252, `;`, decimal comma), then reads each in a child
 * process and prints rows/s and the child's peak RSS. Usage: `npm run build:bench && node dist/bench/read-csv.js [rows]`.
 */
const context: ReadContext = {
  programmes: [
    { code: 'KAKE-KUOPIO-2018', scheme: Scheme.KAKE, periodStart: '2018-01-01', periodEnd: '2020-12-31', fundSources: [FundingSource.ESR, FundingSource.STATE], municipalityCodes: ['297'] },
    { code: 'KAKE-JOENSUU-2018', scheme: Scheme.KAKE, periodStart: '2018-01-01', periodEnd: '2020-12-31', fundSources: [FundingSource.ESR, FundingSource.STATE], municipalityCodes: ['167'] },
    { code: 'LEADER-KALAKUKKO-2014', scheme: Scheme.LEADER, periodStart: '2014-01-01', periodEnd: '2020-12-31', fundSources: [FundingSource.EAFRD], municipalityCodes: ['297'] },
  ],
  municipalityOfPostalCode: new Map([
    ['70100', '297'],
    ['70780', '297'],
    ['71160', '297'],
    ['80100', '167'],
  ]),
  municipalityByName: new Map([
    ['kuopio', '297'],
    ['joensuu', '167'],
  ]),
};

function businessId(index: number): string {
  for (let n = 1_000_000 + (index * 7919) % 8_000_000; ; n++) {
    const checksum = FinnishBusinessIds.calculateChecksum(String(n));
    if (checksum >= 0) return `${n}-${checksum}`;
  }
}

async function write(file: string, rows: number, encoding: 'utf8' | 'latin1', header: string, row: (index: number) => string): Promise<void> {
  const out = createWriteStream(file);
  // Windows-1252 and Latin-1 agree on the letters used here (ä, ö, å); € is written as 0x80 below.
  const encode = (text: string) => (encoding === 'utf8' ? Buffer.from(text, 'utf8') : Buffer.from(text.replaceAll('€', '\u0080'), 'latin1'));
  out.write(encode(`${header}\r\n`));
  for (let index = 0; index < rows; index++) {
    if (!out.write(encode(`${row(index)}\r\n`))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function generate(dir: string, rows: number): Promise<Array<{ name: string; file: string }>> {
  const silta = path.join(dir, 'silta.csv');
  await write(
    silta,
    rows,
    'utf8',
    'code,programmeCode,title,status,plannedStart,plannedEnd,purpose,themeCodes,postalCodes,leadBusinessId,leadName,granted_ESR,decisionDate_ESR,granted_STATE,decisionDate_STATE',
    (i) =>
      [
        `BENCH-${i}`,
        i % 2 === 0 ? 'KAKE-KUOPIO-2018' : '',
        `Hanke numero ${i}: yhteisöllisyyttä ja ääntä`,
        'APPROVED',
        '2019-01-01',
        '2020-06-30',
        i % 10 === 0 ? `"Tavoite ${i}.\nToinen rivi, jossa ""lainaus""."` : `Tavoite ${i}`,
        'community|youth',
        i % 3 === 0 ? '70100|70780' : '70100',
        businessId(i % 5000),
        `Yhdistys ${i % 5000} ry`,
        `"${(i % 900) + 100} 000,50"`,
        '15.12.2018',
        '"2 500,00"',
        '15.12.2018',
      ].join(','),
  );
  const leader = path.join(dir, 'leader.csv');
  await write(leader, rows, 'latin1', 'Hakija;Y-tunnus;Paikka;Hanke;Tuki €;Päätöspäivä', (i) =>
    [`Kärsämäen kylä ${i % 5000} ry`, businessId(i % 5000), i % 2 ? 'Kuopio' : '71160', `Kylätalon ääniympäristö ${i}`, `${(i % 90) + 1} 234,50 €`, `${(i % 28) + 1}.4.2019`].join(';'),
  );
  return [
    { name: "Silta CSV (UTF-8, ',', 15 columns, every 10th row two lines)", file: silta },
    { name: "Leader decisions (Windows-1252, ';', decimal comma)", file: leader },
  ];
}

async function readOnly(file: string): Promise<void> {
  const started = process.hrtime.bigint();
  const counts: Record<string, number> = {};
  for await (const item of readRecords(createReadStream(file), { fileName: file, context, today: '2024-06-01' })) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, counts, peakRssKb: process.resourceUsage().maxRSS }));
}

async function main(): Promise<void> {
  if (process.argv[2] === 'read') return readOnly(process.argv[3]);
  const rows = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silta-read-csv-'));
  try {
    for (const { name, file } of await generate(dir, rows)) {
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, 'read', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(child.stderr);
      const result = JSON.parse(child.stdout) as { seconds: number; cpuSeconds: number; counts: Record<string, number>; peakRssKb: number };
      const megabytes = (statSync(file).size / 1e6).toFixed(1);
      console.log(`${name}: ${rows} rows, ${megabytes} MB`);
      // CPU time too: on a shared machine the wall clock measures the neighbours as well.
      console.log(`  ${result.seconds.toFixed(1)} s wall, ${Math.round(rows / result.seconds)} rows/s; ${result.cpuSeconds.toFixed(1)} s CPU, ${Math.round(rows / result.cpuSeconds)} rows/CPU-s; peak RSS ${Math.round(result.peakRssKb / 1024)} MB; items ${JSON.stringify(result.counts)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
