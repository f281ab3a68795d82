/**
 * A small CSV reader for reference data (RFC 4180: quoted fields, "" escapes, newlines inside
 * quotes, CRLF or LF; plus a UTF-8 BOM and blank lines, which spreadsheet exports produce).
 * Written here rather than pulled in: reference files are read once, at registration, and the
 * whole format fits in one screen.
 */
import { readFile } from 'node:fs/promises';
import { errors } from '../../core/errors.js';

export interface CsvTable {
  header: string[];
  /** Data rows, every one as long as the header. */
  rows: string[][];
}

export interface CsvOptions {
  delimiter?: string;
  /** Shown in error messages (a path, or `<input>`). */
  source?: string;
}

/** Parse CSV text whose first record is the header. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const delimiter = options.delimiter ?? ',';
  const source = options.source ?? '<input>';
  const records = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, source);
  const headerRecord = records.shift();
  if (!headerRecord) throw errors.badCsv(source, 1, 'the file is empty; expected a header row');
  const header = headerRecord.fields.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw errors.badCsv(source, headerRecord.line, 'a header cell is empty');
    if (seen.has(name))
      throw errors.badCsv(source, headerRecord.line, `column \`${name}\` appears twice in the header`);
    seen.add(name);
  }
  const rows: string[][] = [];
  for (const record of records) {
    if (record.fields.length !== header.length) {
      throw errors.badCsv(source, record.line, `${record.fields.length} fields where the header has ${header.length}`);
    }
    rows.push(record.fields);
  }
  return { header, rows };
}

/** Read and parse a CSV file. */
export async function readCsv(path: string, options: Omit<CsvOptions, 'source'> = {}): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw errors.referenceDataUnreadable(path, (cause as NodeJS.ErrnoException).code ?? String(cause));
  }
  return parseCsv(text, { ...options, source: path });
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

function splitRecords(text: string, delimiter: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false;
  const endRecord = () => {
    fields.push(field);
    // A blank line is one empty unquoted field: skip it rather than call it a short row.
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    quotedField = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      quotedField = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (inQuotes) throw errors.badCsv(source, recordLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}
