/**
 * The translation where mutation testing found it untold: TIMESTAMP_DIFF takes
 * the parts BigQuery's takes (MICROSECOND … DAY) and refuses the calendar ones
 * (WEEK, MONTH, QUARTER, YEAR), which BigQuery rejects for a TIMESTAMP; DATE_DIFF
 * takes those but WEEK (weeks start on Sunday there, on Monday in DuckDB).
 */
import { describe, expect, it } from 'vitest';
import { translate, TranslateError } from '../lib/warehouse/translate.ts';

describe('date differences: which parts each function takes', () => {
  it('TIMESTAMP_DIFF: whole intervals up to a day; no calendar part', () => {
    expect(translate('TIMESTAMP_DIFF(a, b, DAY)')).toBe("date_sub('day', b, a)");
    expect(translate('TIMESTAMP_DIFF(a, b, MICROSECOND)')).toBe("date_sub('microsecond', b, a)");
    for (const part of ['WEEK', 'MONTH', 'QUARTER', 'YEAR']) {
      expect(() => translate(`TIMESTAMP_DIFF(a, b, ${part})`)).toThrow(new TranslateError(`TIMESTAMP_DIFF: unsupported part ${part}`));
    }
  });

  it('DATE_DIFF: boundaries crossed, by month, quarter or year too; not by week', () => {
    expect(translate('DATE_DIFF(a, b, QUARTER)')).toBe("date_diff('quarter', b, a)");
    expect(translate('DATE_DIFF(a, b, YEAR)')).toBe("date_diff('year', b, a)");
    expect(() => translate('DATE_DIFF(a, b, WEEK)')).toThrow(new TranslateError('DATE_DIFF: unsupported part WEEK'));
  });
});
