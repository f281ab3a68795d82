import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errors } from '../../../src/core/errors.js';
import { parseCsv, readCsv } from '../../../src/observe/drift/csv.js';

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, embedded newlines, CRLF and a BOM', () => {
    const text = '\ufeffname,note,value\r\n"Smith, J","said ""hi""\nthen left",1.5\r\nplain,,2\r\n';
    assert.deepEqual(parseCsv(text), {
      header: ['name', 'note', 'value'],
      rows: [
        ['Smith, J', 'said "hi"\nthen left', '1.5'],
        ['plain', '', '2'],
      ],
    });
  });

  it('skips blank lines, accepts a last line without newline, and other delimiters', () => {
    assert.deepEqual(parseCsv('a,b\n\n1,2\n\n3,4').rows, [
      ['1', '2'],
      ['3', '4'],
    ]);
    assert.deepEqual(parseCsv('a;b\n1;2', { delimiter: ';' }).rows, [['1', '2']]);
    assert.deepEqual(parseCsv('a\n""\n').rows, [['']]); // a quoted empty field is a value, not a blank line
  });

  it('says where a file is malformed', () => {
    assert.throws(
      () => parseCsv('a,b\n1,2\n3\n', { source: 'ref.csv' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, errors.badCsv.code);
        assert.match(error.message, /ref\.csv line 3: 1 fields where the header has 2/);
        return true;
      },
    );
    assert.throws(() => parseCsv('a,b\n"1,2\n'), /line 2: a quoted field is never closed/);
    assert.throws(() => parseCsv('a,a\n1,2\n'), /column `a` appears twice/);
    assert.throws(() => parseCsv(''), /empty/);
  });
});

describe('readCsv', () => {
  it('reads a file and reports a missing one as a catalogue error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-csv-'));
    try {
      await writeFile(join(dir, 'data.csv'), 'x,y\n1,2\n');
      assert.deepEqual((await readCsv(join(dir, 'data.csv'))).rows, [['1', '2']]);
      await assert.rejects(
        readCsv(join(dir, 'absent.csv')),
        (error: Error & { code?: string }) =>
          error.code === errors.referenceDataUnreadable.code && /ENOENT/.test(error.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
