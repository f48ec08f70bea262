import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { FundingSource } from '../../funding/funding.enums';
import { Scheme } from '../../programme/programme.enums';
import type { ReadItem } from '../exchange.records';
import { detectDelimiter, readCsv } from './csv.reader';
import { readAll, readFixture, readText, testContext } from '../../../../test/fixtures/import/read-fixtures';

const problemsOf = (items: ReadItem[]) => items.flatMap((item) => (item.kind === 'invalid' ? item.problems : []));
const kinds = (items: ReadItem[]) => items.map((item) => `${item.kind}@${item.origin.line}`);

describe("Silta's own CSV", () => {
  test('reads projects with their lead, partners, funding and lists; a multi-line cell moves the next row to line 4', async () => {
    const items = await readFixture('silta-projects.csv');
    const file = 'silta-projects.csv';
    expect(items).toEqual([
      { kind: 'organisation', record: { name: 'Kokkikerho ry', type: 'ASSOCIATION', businessId: '2617416-4' }, origin: { file, line: 2 } },
      {
        kind: 'project',
        origin: { file, line: 2 },
        record: {
          code: 'KAKE-T-001',
          programmeCode: 'KAKE-KUOPIO-2018',
          title: 'Kylätalon kokkikerho',
          status: 'ONGOING',
          purpose: 'Ruokaa yhdessä.\nToinen rivi tarkoitusta.',
          plannedStart: '2019-01-01',
          plannedEnd: '2020-06-30',
          themeCodes: ['COMMUNITY', 'LOCAL_FOOD'],
          postalCodes: ['70100', '70780'],
          fundingLines: [
            { source: 'ESR', planned: '12000.00', granted: '10000.00', decisionDate: '2018-12-15' },
            { source: 'STATE', granted: '2500.00', decisionDate: '2018-12-15' },
          ],
          participations: [
            { organisation: { businessId: '2617416-4' }, role: 'LEAD' },
            { organisation: { businessId: '1944829-4' }, role: 'PARTNER' },
          ],
        },
      },
      { kind: 'organisation', record: { name: 'Työpajayhdistys ry', type: 'ASSOCIATION', businessId: '0201256-6' }, origin: { file, line: 4 } },
      {
        kind: 'project',
        origin: { file, line: 4 },
        record: {
          code: 'KAKE-T-002',
          // No programme column value: inferred from ESR (Kake), Kuopio's postal code and 2019.
          programmeCode: 'KAKE-KUOPIO-2018',
          title: 'Nuorten työpaja',
          status: 'APPROVED',
          purpose: null,
          plannedStart: '2019-03-01',
          plannedEnd: '2020-12-31',
          themeCodes: [],
          postalCodes: ['70100'],
          fundingLines: [{ source: 'ESR', granted: '8000.00', decisionDate: '2019-02-01' }],
          participations: [{ organisation: { businessId: '0201256-6' }, role: 'LEAD' }],
        },
      },
    ]);
  });

  test('bad cells: every problem of a row, each with its column, in the API’s words where the API has a rule', async () => {
    const file = 'silta-bad.csv';
    const items = await readFixture(file);
    expect(kinds(items)).toEqual(['invalid@2', 'invalid@3', 'invalid@4']);
    expect(problemsOf(items)).toEqual([
      { file, line: 2, column: 'title', message: 'title is empty; the project title is required' },
      { file, line: 2, column: 'status', message: '"RUNNING" is not one of DRAFT, SUBMITTED, APPROVED, REJECTED, ONGOING, COMPLETED, CANCELLED' },
      { file, line: 2, column: 'postalCodes', message: '"7010" is not a postal code; a postal code has five digits, e.g. 70100' },
      { file, line: 2, column: 'granted_ESR', message: '"1 000,123" has more than two decimals; expected euros such as 1 234,50 or 1234.50 (whole cents)' },
      { file, line: 2, column: 'leadBusinessId', message: 'Y-tunnus 1234567-8 has a wrong check digit (expected 1234567-1)' },
      { file, line: 2, column: 'plannedEnd', message: 'plannedEnd ends (2019-05-01) before it starts (2020-05-01)' },
      {
        file,
        line: 3,
        column: 'decisionDate_ESR',
        message: 'granted_ESR is granted without a decision date; fill in decisionDate_ESR (the API needs the date of the funding decision)',
      },
      { file, line: 3, column: 'programmeCode', message: 'No programme has the code "NO-SUCH-PROGRAMME"' },
      {
        file,
        line: 4,
        column: 'programmeCode',
        message:
          'More than one programme fits this row (KAKE-JOENSUU-2018, KAKE-KUOPIO-2018, LEADER-KALAKUKKO-2014; no fund, dates 2019-01-01…2019-12-31, no known location); ' +
          'choose one with --programme CODE or a programme column',
      },
    ]);
  });

  test('a repeated project code is a problem on the later row, naming the earlier line', async () => {
    const file = 'silta-duplicates.csv';
    const items = await readFixture(file);
    expect(kinds(items)).toEqual(['project@2', 'project@3', 'invalid@4', 'invalid@5']);
    expect(problemsOf(items)).toEqual([
      { file, line: 4, column: 'code', message: 'Project KAKE-D-1 is already on line 2 of this file; a project has one row' },
      { file, line: 5, column: 'code', message: 'Project KAKE-D-2 is already on line 3 of this file; a project has one row' },
    ]);
  });

  test('an unknown column is refused at once rather than its data dropped', async () => {
    const items = await readText('code;title;status;tilte2\nA;B;DRAFT;x\n', { programmeCode: 'KAKE-KUOPIO-2018' });
    expect(items).toEqual([
      {
        kind: 'invalid',
        origin: { file: 'test.csv', line: 1 },
        problems: [{ file: 'test.csv', line: 1, column: null, message: 'Unknown column "tilte2" in Silta\'s CSV (see docs/import-export.md)' }],
      },
    ]);
  });

  test('--programme puts every row in that programme; an unknown one is one problem for the file', async () => {
    const items = await readText('code;title;status\nA-1;Eka;DRAFT\n', { programmeCode: 'LEADER-KALAKUKKO-2014' });
    expect(items).toEqual([{ kind: 'project', origin: { file: 'test.csv', line: 2 }, record: { code: 'A-1', programmeCode: 'LEADER-KALAKUKKO-2014', title: 'Eka', status: 'DRAFT' } }]);
    const conflict = await readText('code;title;status;programmeCode\nA-1;Eka;DRAFT;KAKE-KUOPIO-2018\nA-2;Toka;DRAFT;\n', { programmeCode: 'LEADER-KALAKUKKO-2014' });
    expect(kinds(conflict)).toEqual(['invalid@2', 'project@3']);
    expect(problemsOf(conflict)[0].message).toBe('The row names programme KAKE-KUOPIO-2018 but --programme says LEADER-KALAKUKKO-2014; leave the cell blank or drop --programme');
    const unknown = await readText('code;title;status\nA-1;Eka;DRAFT\n', { programmeCode: 'NOPE' });
    expect(problemsOf(unknown)).toEqual([
      {
        file: 'test.csv',
        line: 1,
        column: null,
        message: '--programme NOPE: no programme has this code (known: KAKE-JOENSUU-2018, KAKE-KUOPIO-2014, KAKE-KUOPIO-2018, LEADER-KALAKUKKO-2014, RR-FI-2014-2020)',
      },
    ]);
  });
});

describe('Leader board decisions', () => {
  test('Windows-1252 with ä, ö, å, € and decimal comma, as Excel writes it in Finland', async () => {
    const file = 'leader-decisions-cp1252.csv';
    const items = await readFixture(file);
    // No description or date columns: those fields are left out (kept as they are), not cleared.
    expect(items[1].kind === 'project' && Object.keys(items[1].record)).not.toContain('plannedStart');
    expect(items).toEqual([
      { kind: 'organisation', record: { name: 'Kärsämäen kyläyhdistys ry', type: 'ASSOCIATION', businessId: '2908761-3' }, origin: { file, line: 2 } },
      {
        kind: 'project',
        origin: { file, line: 2 },
        record: {
          code: 'LEADER-2908761-3-20190403-1B85A531',
          programmeCode: 'LEADER-KALAKUKKO-2014',
          title: 'Kylätalon ääniympäristö',
          status: 'APPROVED',
          postalCodes: [],
          participations: [{ organisation: { businessId: '2908761-3' }, role: 'LEAD' }],
          fundingLines: [{ source: 'EAFRD', granted: '12345.50', decisionDate: '2019-04-03' }],
        },
      },
      { kind: 'organisation', record: { name: 'Åströmin Sahaus Oy', type: 'COMPANY', businessId: '2345678-0' }, origin: { file, line: 3 } },
      {
        kind: 'project',
        origin: { file, line: 3 },
        record: {
          code: 'LEADER-2345678-0-20191015-AB0C4BEC',
          programmeCode: 'LEADER-KALAKUKKO-2014',
          title: 'Sahan yhteisöpäivät',
          status: 'APPROVED',
          postalCodes: ['71160'],
          participations: [{ organisation: { businessId: '2345678-0' }, role: 'LEAD' }],
          fundingLines: [{ source: 'EAFRD', granted: '1200.00', decisionDate: '2019-10-15' }],
        },
      },
    ]);
  });

  test('the new user’s file: exactly its three bad rows, each with its line, column and what is expected', async () => {
    const file = 'leader-decisions-three-bad.csv';
    const items = await readFixture(file);
    expect(kinds(items)).toEqual(['organisation@2', 'project@2', 'invalid@3', 'invalid@4', 'invalid@5', 'organisation@6', 'project@6']);
    expect(problemsOf(items)).toEqual([
      { file, line: 3, column: 'Y-tunnus', message: 'Y-tunnus 1234567-8 has a wrong check digit (expected 1234567-1)' },
      { file, line: 4, column: 'Päätöspäivä', message: '"31.2.2019" is not a day of the calendar; expected a date such as 2024-03-31 or 31.3.2024' },
      { file, line: 5, column: 'Tuki €', message: '"kolmetuhatta" is not an amount; expected euros such as 1 234,50 or 1234.50' },
    ]);
  });

  test('English headers, a Hankenumero as the code and Hyrrä number, and an unknown place', async () => {
    const text = 'Applicant,Business ID,Place,Project,Aid €,Decision date,Project number\n' + 'Kylä ry,1112223-0,Kuopio,Kylätalo,"5 000,00",2019-05-02,HY-12345\n' + 'Toinen ry,,Atlantis,Laituri,100,2019-05-02,\n';
    const items = await readText(text);
    expect(items[1]).toMatchObject({ kind: 'project', record: { code: 'HY-12345', hyrraNumber: 'HY-12345', programmeCode: 'LEADER-KALAKUKKO-2014' } });
    expect(problemsOf(items)).toEqual([
      { file: 'test.csv', line: 3, column: 'Place', message: '"Atlantis" is neither a five-digit postal code nor the name of a Finnish municipality or postal area' },
    ]);
  });

  test('a village is found by its postal area name; a NUTS region locates nothing and is no problem', async () => {
    const leader = await readText('Hakija;Y-tunnus;Paikka;Hanke;Tuki €;Päätöspäivä\nKylä ry;1112223-0;Riistavesi;Kylätalo;100;2.5.2019\n');
    expect(leader[1]).toMatchObject({ kind: 'project', record: { postalCodes: ['71160'], programmeCode: 'LEADER-KALAKUKKO-2014' } });
    const eu = await readText('Operation code;Operation name;Beneficiary name;Total cost;Fund;EU co-financing rate;Location\nN1;Nimi;Saaja ry;100;ESF+;50;FI1D\n', {
      programmeCode: 'KAKE-KUOPIO-2018',
    });
    expect(eu[1]).toMatchObject({ kind: 'project', record: { code: 'N1', postalCodes: [] } });
  });

  test('fixture files for the writer: English headers with a comma; a file whose second row is in another encoding', async () => {
    const english = await readFixture('leader-decisions-en.csv');
    expect(kinds(english)).toEqual(['organisation@2', 'project@2', 'organisation@3', 'project@3']);
    expect(english[3]).toMatchObject({ record: { title: 'Nuorisotalo, katto', fundingLines: [{ source: 'EAFRD', granted: '1200.50', decisionDate: '2019-06-02' }] } });
    const mixed = await readFixture('leader-decisions-mixed-encoding.csv');
    expect(kinds(mixed)).toEqual(['organisation@2', 'project@2', 'invalid@3']);
    expect(problemsOf(mixed)).toEqual([
      {
        file: 'leader-decisions-mixed-encoding.csv',
        line: 3,
        column: null,
        message: 'The row is not valid UTF-8; save the whole file as UTF-8 or as Windows-1252 (Excel\'s "CSV (semicolon delimited)")',
      },
    ]);
  });

  test('the derived code is stable: the same file read twice gives the same codes', async () => {
    const first = await readFixture('leader-decisions-cp1252.csv');
    const second = await readFixture('leader-decisions-cp1252.csv');
    expect(second).toEqual(first);
  });
});

describe('EU lists of operations', () => {
  const contextWith2021 = () => {
    const context = testContext();
    context.programmes.push(
      { code: 'KAKE-KUOPIO-2023', scheme: Scheme.KAKE, periodStart: '2023-01-01', periodEnd: '2027-12-31', fundSources: [FundingSource.ESR], municipalityCodes: ['297'] },
      { code: 'LEADER-KALAKUKKO-2023', scheme: Scheme.LEADER, periodStart: '2023-01-01', periodEnd: '2027-12-31', fundSources: [FundingSource.EAFRD], municipalityCodes: ['297'] },
    );
    return context;
  };

  test('2021–2027 (CPR Art. 49(3)), English headers, UTF-8 with BOM: EU share from the rate, the rest STATE', async () => {
    const file = 'eu-operations-2021-en.csv';
    const items = await readFixture(file, { context: contextWith2021() });
    expect(items).toEqual([
      { kind: 'organisation', record: { name: 'Petosen asukasyhdistys ry', type: 'ASSOCIATION', businessId: '1944829-4' }, origin: { file, line: 2 } },
      {
        kind: 'project',
        origin: { file, line: 2 },
        record: {
          code: 'S30001',
          euraCode: 'S30001',
          programmeCode: 'KAKE-KUOPIO-2023',
          title: 'Osallisuutta Petoselle',
          status: 'ONGOING',
          purpose: 'Community work in Petonen; expected: 200 participants',
          plannedStart: '2023-01-01',
          plannedEnd: '2024-12-31',
          postalCodes: ['70100'],
          participations: [{ organisation: { businessId: '1944829-4' }, role: 'LEAD' }],
          fundingLines: [
            { source: 'ESR', planned: '60000.00' },
            { source: 'STATE', planned: '40000.00' },
          ],
        },
      },
      { kind: 'organisation', record: { name: 'Kalakukko ry', type: 'ASSOCIATION', businessId: '2617416-4' }, origin: { file, line: 3 } },
      {
        kind: 'project',
        origin: { file, line: 3 },
        record: {
          code: 'S30002',
          programmeCode: 'LEADER-KALAKUKKO-2023',
          title: 'Kylien digituki',
          status: 'ONGOING',
          purpose: 'Digital support in villages',
          plannedStart: '2023-05-01',
          plannedEnd: '2025-12-31',
          postalCodes: ['71160'],
          participations: [{ organisation: { businessId: '2617416-4' }, role: 'LEAD' }],
          fundingLines: [
            { source: 'EAFRD', planned: '34400.00' },
            { source: 'STATE', planned: '45600.00' },
          ],
        },
      },
    ]);
  });

  test('a row no programme fits names --programme', async () => {
    const file = 'eu-operations-2021-en.csv';
    expect(problemsOf(await readFixture(file))).toEqual([
      {
        file,
        line: 2,
        column: null,
        message: 'No programme fits this row (fund ESR, dates 2023-01-01…2024-12-31, municipality 297); name it with --programme CODE or a programme column',
      },
      {
        file,
        line: 3,
        column: null,
        message: 'No programme fits this row (fund EAFRD, dates 2023-05-01…2025-12-31, municipality 297); name it with --programme CODE or a programme column',
      },
    ]);
  });

  test('2014–2020 Annex XII, Finnish headers: territory picks the city, a foreign beneficiary ID becomes an external ID', async () => {
    const file = 'eu-operations-2014-fi.csv';
    const items = await readFixture(file);
    expect(kinds(items)).toEqual(['organisation@2', 'project@2', 'organisation@4', 'project@4']);
    expect(items[1]).toMatchObject({
      record: {
        code: 'S21001',
        euraCode: 'S21001',
        programmeCode: 'KAKE-KUOPIO-2018',
        status: 'COMPLETED',
        purpose: 'Kohtaamispaikkoja\nasuinalueille',
        fundingLines: [
          { source: 'ESR', planned: '113250.00' },
          { source: 'STATE', planned: '36750.00' },
        ],
      },
    });
    expect(items[0]).toMatchObject({ record: { name: 'Kuopion kaupunki', type: 'MUNICIPALITY', businessId: '0171450-7' } });
    expect(items[2]).toEqual({
      kind: 'organisation',
      origin: { file, line: 4 },
      record: { name: 'Joensuun Yhteisöt', type: 'OTHER', externalIds: [{ system: 'eu-beneficiary-id', value: 'EE-80012345' }] },
    });
    expect(items[3]).toMatchObject({
      record: {
        code: 'S21002',
        programmeCode: 'KAKE-JOENSUU-2018',
        participations: [{ organisation: { externalId: { system: 'eu-beneficiary-id', value: 'EE-80012345' } }, role: 'LEAD' }],
        fundingLines: [
          { source: 'ESR', planned: '37500.00' },
          { source: 'STATE', planned: '12500.00' },
        ],
      },
    });
  });

  test('an unknown fund, a foreign country, a malformed Y-tunnus and a missing rate, all on one row', async () => {
    const text =
      'Operation code;Operation name;Beneficiary name;Beneficiary ID;Total cost;Fund;Country;Start date;End date\n' +
      'X1;Nimi;Tekijä Oy;1234567-8;1000;ERDF;Sweden;1.1.2019;31.12.2019\n' +
      'X2;Nimi;Tekijä Oy;1234567-1;1000;ESF;FI;1.1.2019;31.12.2019\n';
    const items = await readText(text, { programmeCode: 'KAKE-KUOPIO-2018' });
    expect(problemsOf(items)).toEqual([
      { file: 'test.csv', line: 2, column: 'Country', message: '"Sweden" is not Finland; Silta reads Finnish operations only (FI, Suomi, Finland)' },
      { file: 'test.csv', line: 2, column: 'Fund', message: '"ERDF" is not a fund Silta tracks; expected ESF+/ESR (European Social Fund) or EAFRD/Maaseuturahasto' },
      { file: 'test.csv', line: 2, column: 'Beneficiary ID', message: 'Y-tunnus 1234567-8 has a wrong check digit (expected 1234567-1)' },
      { file: 'test.csv', line: 3, column: null, message: 'Neither an EU co-financing rate nor an EU contribution is given; the EU share of the total cost cannot be told' },
    ]);
  });

  test('a mapping file of its own (--mapping) names other columns', async () => {
    const mappingFile = path.join(mkdtempSync(path.join(tmpdir(), 'silta-map-')), 'map.json');
    writeFileSync(mappingFile, JSON.stringify({ required: ['operationCode', 'operationName', 'beneficiaryName', 'totalCost'], columns: { operationCode: ['Nro'], operationName: ['Nimi'], beneficiaryName: ['Saaja'], totalCost: ['Summa'], coFinancingRate: ['Osuus'] } }));
    const items = await readText('Nro;Nimi;Saaja;Summa;Osuus\nM1;Hanke;Saaja ry;200;50\n', { mappingFile, programmeCode: 'KAKE-KUOPIO-2018' });
    expect(items[1]).toMatchObject({ kind: 'project', record: { code: 'M1', fundingLines: [{ source: 'ESR', planned: '100.00' }, { source: 'STATE', planned: '100.00' }] } });
  });
});

describe('the file itself', () => {
  test('delimiter from the header line, quotes respected', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
  });

  test('Excel\'s "sep=;" line names the delimiter and moves the header to line 2; rows of empty cells are blank', async () => {
    const items = await readText('sep=;\r\ncode;title;status\r\nA,1;Eka, toka;DRAFT\r\n;;\r\n;;\r\n', { programmeCode: 'KAKE-KUOPIO-2018' });
    expect(items).toEqual([{ kind: 'project', origin: { file: 'test.csv', line: 3 }, record: { code: 'A,1', programmeCode: 'KAKE-KUOPIO-2018', title: 'Eka, toka', status: 'DRAFT' } }]);
  });

  test('two columns of the same meaning are refused rather than one silently ignored', async () => {
    expect(problemsOf(await readText('Hakija;Hanke;Tuki €;Tuki;Päätöspäivä\n'))).toEqual([
      { file: 'test.csv', line: 1, column: null, message: 'Column "Tuki" repeats a column of the same meaning; keep one' },
    ]);
  });

  test('a header no format knows is one problem at line 1', async () => {
    expect(problemsOf(await readText('foo;bar\n1;2\n'))[0]).toMatchObject({ line: 1, column: null, message: expect.stringContaining('The header does not match any CSV format Silta reads') });
  });

  test('more cells than columns is a problem of that row; a stray quote stops reading there, and the report says so', async () => {
    const text = 'code;title;status\nA;"ok";DRAFT\n\nC;a;b;c\nB;"bad"x;DRAFT\nE;x;DRAFT\n';
    const items = await readText(text, { programmeCode: 'KAKE-KUOPIO-2018' });
    expect(kinds(items)).toEqual(['project@2', 'invalid@4', 'invalid@5']);
    expect(problemsOf(items).map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      '4: The row has 4 cells but the header has 3 columns (a delimiter inside an unquoted cell?)',
      '5: A quoted cell must end with " followed by the delimiter or the end of the line (write "" for a quote inside a quoted cell). Reading stopped here: the rows after this line were not read',
    ]);
  });

  test('an unclosed quote is reported on the line where its row starts', async () => {
    const items = await readText('code;title;status\nA;x;DRAFT\nD;"never closed;DRAFT\nE;x;DRAFT\n', { programmeCode: 'KAKE-KUOPIO-2018' });
    expect(kinds(items)).toEqual(['project@2', 'invalid@3']);
    expect(problemsOf(items)[0].message).toBe(
      'A quoted cell that starts on this line (or the next that is not blank) is never closed: a " is missing. Reading stopped here: the rows after this line were not read',
    );
  });

  test('a UTF-8 file that turns invalid after the encoding was decided reports the broken row', async () => {
    const head = Buffer.from('code;title;status\nA;Ääni;DRAFT\n', 'utf8');
    const broken = Buffer.concat([Buffer.from('B;'), Buffer.from([0xe4]), Buffer.from('ni;DRAFT\n')]);
    const items = await readAll(Readable.from([head, broken]), { fileName: 'mixed.csv', programmeCode: 'KAKE-KUOPIO-2018' });
    expect(kinds(items)).toEqual(['project@2', 'invalid@3']);
    expect(problemsOf(items)[0].message).toMatch(/^The row is not valid UTF-8/);
  });

  test('multi-byte characters split across chunks, one byte at a time, read the same', async () => {
    const text = Buffer.from('code;title;status\r\nÅ-1;"Äänekoski\r\n€ ja ö";DRAFT\r\nÅ-2;Öö;DRAFT\r\n', 'utf8');
    const whole = await readAll(Readable.from([text]), { fileName: 'x.csv', programmeCode: 'KAKE-KUOPIO-2018' });
    const bytes = await readAll(Readable.from([...text].map((byte) => Buffer.from([byte]))), { fileName: 'x.csv', programmeCode: 'KAKE-KUOPIO-2018' });
    expect(bytes).toEqual(whole);
    expect(kinds(whole)).toEqual(['project@2', 'project@4']);
    expect(whole[0]).toMatchObject({ record: { title: 'Äänekoski\n€ ja ö' } });
  });

  test('a consumer that stops early closes the input, even an endless one', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.from('Hakija;Y-tunnus;Paikka;Hanke;Tuki €;Päätöspäivä\n');
        for (let index = 0; ; index++) yield Buffer.from(`Kylä ${index} ry;1112223-0;Kuopio;Hanke ${index};100;2.5.2019\n`);
      } finally {
        closed = true;
      }
    }
    for await (const item of readCsv(endless(), { fileName: 'x.csv', context: testContext() })) {
      expect(item.kind).toBe('organisation');
      break;
    }
    // Closing goes through the pending reads of the generators in between: give it a few turns.
    for (let turn = 0; turn < 100 && !closed; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
  });

  test('fuzz: any bytes give only well-formed items, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 300 }).map((body) => Buffer.from(`Hakija;Y-tunnus;Paikka;Hanke;Tuki €;Päätöspäivä\n${body}`)),
          fc.array(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', ';', '\n', '1 234,5', '31.2.2019', '0201256-6', 'Kuopio')), { maxLength: 7 }), { maxLength: 6 })
            .map((rows) => Buffer.from(`code;title;status;granted_ESR;decisionDate_ESR;postalCodes\n${rows.map((cells) => cells.join(';')).join('\n')}`)),
        ),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, chunkSize) => {
          const chunks: Buffer[] = [];
          for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
          const items: ReadItem[] = [];
          // readCsv itself: readRecords would hand a file starting with { to the JSON reader.
          for await (const item of readCsv(Readable.from(chunks), { fileName: 'fuzz.csv', context: testContext(), today: '2024-06-01' })) items.push(item);
          for (const item of items) {
            expect(['organisation', 'project', 'invalid']).toContain(item.kind);
            expect(item.origin.line).toBeGreaterThanOrEqual(1);
            if (item.kind === 'invalid') {
              expect(item.problems.length).toBeGreaterThan(0);
              for (const problem of item.problems) expect(problem.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
