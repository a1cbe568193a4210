import { describe, expect, it } from 'vitest';
import { toCsv, toMarkdown, toTsv } from './exportRows';

const columns = [{ name: 'id', type: 'integer' }, { name: 'note', type: 'text' }];
const rows = [['1', 'plain'], ['2', 'a, "quoted"\nline'], ['3', null], ['4', 'NULL'], ['5', 'pipe | and \\ tab\there']];

describe('result export', () => {
  it('writes RFC 4180 CSV with NULL as an empty field and the string NULL as text', () => {
    expect(toCsv(columns, rows)).toBe('id,note\r\n1,plain\r\n2,"a, ""quoted""\nline"\r\n3,\r\n4,NULL\r\n5,pipe | and \\ tab\there\r\n');
  });

  it('writes TSV without tabs or line breaks inside values', () => {
    expect(toTsv(columns, rows)).toBe('id\tnote\n1\tplain\n2\ta, "quoted" line\n3\t\n4\tNULL\n5\tpipe | and \\ tab here\n');
  });

  it('writes a Markdown table with escaped pipes and an italic NULL', () => {
    expect(toMarkdown(columns, rows)).toBe(
      '| id | note |\n| --- | --- |\n| 1 | plain |\n| 2 | a, "quoted"<br>line |\n| 3 | *NULL* |\n| 4 | NULL |\n| 5 | pipe \\| and \\\\ tab\there |\n',
    );
  });
});
