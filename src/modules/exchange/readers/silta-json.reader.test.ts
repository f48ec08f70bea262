import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { FundingSource } from '../../funding/funding.enums';
import { AreaType } from '../../geography/geography.enums';
import { OrganisationType } from '../../organisation/organisation.enums';
import { DecisionOutcome, Scheme } from '../../programme/programme.enums';
import { ParticipationRole, ProjectStatus } from '../../project/project.enums';
import { packageRoot } from '../../../shared/package-root';
import type { ReadItem } from '../exchange.records';
import { readSiltaJson } from './silta-json.reader';
import { SILTA_SCHEMA_FILE } from './silta-schema';

const context = { programmes: [], municipalityOfPostalCode: new Map<string, string>(), municipalityByName: new Map<string, string>() };

/** Reads `text` fed in pieces of `size` bytes, so records, strings and escapes are cut at every place. */
async function read(text: string | Buffer, size = 1 << 16): Promise<ReadItem[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
  }
  const items: ReadItem[] = [];
  for await (const item of readSiltaJson(pieces(), { fileName: 'f.json', context })) items.push(item);
  return items;
}

const DOCUMENT = `{"format": "silta/1",
"organisations": [
  {"key": "a", "name": "Yhdistys \\"A\\" ry, [sulut] {ja} aaltosulut", "type": "ASSOCIATION"},
  {"key": "b",
   "name": "Äänekosken Säätiö", "type": "FOUNDATION"}
],
"projects": [
  {"code": "P-1", "programmeCode": "X", "title": "Yksi", "status": "DRAFT", "postalCodes": ["70100"]}
]}
`;

describe('readSiltaJson', () => {
  it('yields each record with the physical line where it starts and its JSON path, whatever the chunk size', async () => {
    const expected = [
      { kind: 'organisation', line: 3, path: 'organisations[0]', name: 'Yhdistys "A" ry, [sulut] {ja} aaltosulut' },
      { kind: 'organisation', line: 4, path: 'organisations[1]', name: 'Äänekosken Säätiö' },
      { kind: 'project', line: 8, path: 'projects[0]', name: 'Yksi' },
    ];
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
      const items = await read(DOCUMENT, size);
      expect(
        items.map((item) => ({
          kind: item.kind,
          line: item.origin.line,
          path: item.origin.path,
          name: item.kind === 'organisation' ? item.record.name : item.kind === 'project' ? item.record.title : null,
        })),
      ).toEqual(expected);
    }
  });

  it('reads UTF-8 with a byte order mark', async () => {
    const items = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DOCUMENT, 'utf8')]));
    expect(items.map((item) => item.kind)).toEqual(['organisation', 'organisation', 'project']);
  });

  it('reports schema problems per record with the JSON path as column', async () => {
    const items = await read(`{"format":"silta/1","projects":[
{"code":"P-1","programmeCode":"X","title":"T","status":"DONE","plannedStart":"2024-1-1","extra":1}
]}`);
    expect(items).toEqual([
      {
        kind: 'invalid',
        origin: { file: 'f.json', line: 2, path: 'projects[0]' },
        problems: [
          { file: 'f.json', line: 2, column: 'projects[0].extra', message: 'Unknown field "extra"' },
          { file: 'f.json', line: 2, column: 'projects[0].status', message: 'Expected one of DRAFT, SUBMITTED, APPROVED, REJECTED, ONGOING, COMPLETED, CANCELLED' },
          { file: 'f.json', line: 2, column: 'projects[0].plannedStart', message: 'Does not have the expected form (^\\d{4}-\\d{2}-\\d{2}$)' },
        ],
      },
    ]);
  });

  it('reports a record that is not JSON and goes on with the next', async () => {
    const items = await read(`{"format":"silta/1","projects":[
{"code":"P-1",,},
{"code":"P-2","programmeCode":"X","title":"T","status":"DRAFT"}
]}`);
    expect(items.map((item) => [item.kind, item.origin.line])).toEqual([
      ['invalid', 2],
      ['project', 3],
    ]);
    expect(items[0].kind === 'invalid' && items[0].problems[0].message).toMatch(/^Not valid JSON/);
  });

  it.each([
    ['', 1, 'The file is empty'],
    ['[1,2]', 1, 'A silta/1 file is one JSON object: {"format": "silta/1", …}'],
    ['{"format":"silta/2","projects":[]}', 1, 'format must be "silta/1", not "silta/2"'],
    ['{"projects":[]}', 1, '"format": "silta/1" must come first'],
    ['{"format":"silta/1",\n"projects":[\n{"code":"P"', 3, 'The file ends in the middle of the document (cut short?)'],
    ['{"format":"silta/1","projects":{}}', 1, '"projects" must be a list: [ … ]'],
    ['{"format":"silta/1"} x', 1, 'Unexpected text after the end of the document'],
  ])('refuses a broken document %j at line %i', async (text, line, message) => {
    const items = await read(text);
    expect(items.at(-1)).toEqual({ kind: 'invalid', origin: { file: 'f.json', line }, problems: [{ file: 'f.json', line, column: null, message }] });
  });

  it('refuses bytes that are not UTF-8', async () => {
    const latin1 = Buffer.from('{"format":"silta/1","organisations":[\n{"name":"Ähtärin seura","type":"OTHER"}\n]}', 'latin1');
    const items = await read(latin1);
    expect(items).toEqual([
      { kind: 'invalid', origin: { file: 'f.json', line: 2 }, problems: [{ file: 'f.json', line: 2, column: null, message: 'The file is not UTF-8 (save it as UTF-8, with or without BOM)' }] },
    ]);
  });
});

describe('docs/formats/silta-1.schema.json', () => {
  const schema = JSON.parse(readFileSync(SILTA_SCHEMA_FILE, 'utf8')) as { $defs: Record<string, { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }> };
  const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

  it.each(['good.json', 'bad.json', 'duplicated.json'])('is valid JSON Schema and accepts or refuses the fixture %s as expected', (name) => {
    const document = JSON.parse(readFileSync(path.join(packageRoot, 'test/fixtures/import', name), 'utf8')) as unknown;
    expect(validate(document)).toBe(name !== 'bad.json');
  });

  it('accepts the example in docs/import-export.md', () => {
    const docs = readFileSync(path.join(packageRoot, 'docs/import-export.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(docs);
    expect(example).not.toBeNull();
    expect(validate(JSON.parse(example![1]))).toBe(true);
  });

  it("lists exactly the code's enum values", () => {
    const defs = schema.$defs;
    const sorted = (values: object): string[] => Object.values(values).sort();
    expect(defs.organisation.properties.type.enum!.slice().sort()).toEqual(sorted(OrganisationType));
    expect(defs.programme.properties.scheme.enum!.slice().sort()).toEqual(sorted(Scheme));
    expect(defs.project.properties.status.enum!.slice().sort()).toEqual(sorted(ProjectStatus));
    expect((defs.fundingSource as unknown as { enum: string[] }).enum.slice().sort()).toEqual(sorted(FundingSource));
    const programme = defs.programme.properties as Record<string, { items: { properties: Record<string, { enum?: string[] }> } }>;
    expect(programme.decisions.items.properties.outcome.enum!.slice().sort()).toEqual(sorted(DecisionOutcome));
    expect(programme.areas.items.properties.areaType.enum!.slice().sort()).toEqual(sorted(AreaType));
    const project = defs.project.properties as Record<string, { items: { properties: Record<string, { enum?: string[] }> } }>;
    expect(project.participations.items.properties.role.enum!.slice().sort()).toEqual(sorted(ParticipationRole));
  });
});
