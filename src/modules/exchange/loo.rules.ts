/**
 * The EU list of operations (Article 49(3) CPR 2021/1060; Annex XII of 1303/2013) as Kohesio reads it.
 * Column names are those of the Kohesio CSV import specification, as the European Commission's Kohesio
 * validator (ISA² Interoperability Test Bed, https://www.itb.ec.europa.eu/csv/kohesio/upload, rules in
 * github.com/ISAITB/validator-plugin-kohesio) and Kohesio's open-data downloads name them. Pure: no
 * database here, so the rules are unit-tested.
 */
export const LOO_COLUMNS = [
  'Operation_Unique_Identifier',
  'Operation_Local_Identifier',
  'Operation_Name_Programme_Language',
  'Operation_Summary_Programme_Language',
  'Operation_Start_Date',
  'Operation_End_Date',
  'Country',
  'Location_Indicator_Postcode',
  'Location_Indicator_NUTS_code',
  'Location_Indicator_latitude_longitude',
  'Total_Eligible_Expenditure_amount',
  'Total_Eligible_Expenditure_Currency',
  'Total_Eligible_Expenditure_Exchange_Rate',
  'Project_EU_Budget',
  'Cofinancing_Rate',
  'Beneficiary_Name',
  'Beneficiary_Local_Identifier',
  'Fund_Code',
  'Fund_Name',
  'Programme_Code',
  'Programme_Name',
  'Programming_Period',
] as const;

export type LooColumn = (typeof LOO_COLUMNS)[number];
export type LooRow = Record<LooColumn, string>;

/** The location fields of which Kohesio's validator wants at least one. */
export const LOCATION_COLUMNS: readonly LooColumn[] = ['Location_Indicator_Postcode', 'Location_Indicator_NUTS_code', 'Location_Indicator_latitude_longitude'];

/** Kohesio's date format (the validator parses dd/MM/yyyy). */
export function kohesioDate(isoDate: string | null): string {
  if (!isoDate) return '';
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

function isoFromKohesio(value: string): string | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value.trim());
  return match ? `${match[3]}-${match[2]}-${match[1]}` : null;
}

/** One failed rule of one row, worded for a person. */
export interface LooProblem {
  rule: 'LOCATION' | 'DATES' | 'EXCHANGE_RATE';
  column: LooColumn;
  message: string;
}

/**
 * The three rules of the Kohesio validator: (1) at least one location field, (2) start date not after
 * end date, (3) an exchange rate when the currency is not EUR. Rule 2 is stricter here than in the
 * validator, which skips it when a date is missing: Article 49(3) lists both dates, so a row without
 * them fails too.
 */
export function checkLooRow(row: LooRow): LooProblem[] {
  const problems: LooProblem[] = [];
  if (LOCATION_COLUMNS.every((column) => row[column].trim() === '')) {
    problems.push({ rule: 'LOCATION', column: 'Location_Indicator_Postcode', message: `no location: one of ${LOCATION_COLUMNS.join(', ')} is required` });
  }
  const start = isoFromKohesio(row.Operation_Start_Date);
  const end = isoFromKohesio(row.Operation_End_Date);
  if (!start) {
    problems.push({ rule: 'DATES', column: 'Operation_Start_Date', message: 'no start date (planned or actual)' });
  }
  if (!end) {
    problems.push({ rule: 'DATES', column: 'Operation_End_Date', message: 'no end date (planned or actual)' });
  }
  if (start && end && start > end) {
    problems.push({ rule: 'DATES', column: 'Operation_Start_Date', message: `start date ${row.Operation_Start_Date} is after end date ${row.Operation_End_Date}` });
  }
  const currency = row.Total_Eligible_Expenditure_Currency.trim();
  if (currency !== '' && currency !== 'EUR' && row.Total_Eligible_Expenditure_Exchange_Rate.trim() === '') {
    problems.push({ rule: 'EXCHANGE_RATE', column: 'Total_Eligible_Expenditure_Exchange_Rate', message: `currency ${currency} needs an exchange rate` });
  }
  return problems;
}

/** Exact cents from a numeric(14,2) text, so totals and rates have no float error. */
export function cents(amount: string | null): bigint {
  if (!amount) return 0n;
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
}

export function euros(value: bigint): string {
  return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

/** part / total as a percentage with two decimals (rounded half up); empty when the total is 0. */
export function percentage(part: bigint, total: bigint): string {
  if (total === 0n) return '';
  const basisPoints = (part * 10000n * 2n + total) / (total * 2n);
  return euros(basisPoints);
}
