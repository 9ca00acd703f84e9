import { describe, expect, it } from 'vitest';
import { splitStatements, tokenize, translate, TranslateError } from '../lib/warehouse/translate.ts';

describe('BigQuery → DuckDB translation', () => {
  it('drops the project from backticked table paths and keeps dataset.table', () => {
    expect(translate('SELECT * FROM `nba-props-platform.nba_raw.nbac_schedule`')).toBe('SELECT * FROM nba_raw.nbac_schedule');
  });

  it('quotes identifiers that need it', () => {
    expect(translate('SELECT `my col` FROM `p-1.ds.t`')).toBe('SELECT "my col" FROM ds.t');
  });

  it('turns @params into $params but not inside literals or comments', () => {
    const out = translate("SELECT @start, '@start', \"a@b\" -- @start\nFROM t");
    expect(out).toBe("SELECT $start, '@start', 'a@b' -- @start\nFROM t");
  });

  it('keeps backticks, -- and quotes inside string literals as data', () => {
    expect(translate("SELECT 'a `b` -- c', 'it\\'s', \"say \\\"hi\\\"\"")).toBe("SELECT 'a `b` -- c', 'it''s', 'say \"hi\"'");
  });

  it('decodes escapes, raw and triple-quoted strings', () => {
    expect(translate("SELECT 'a\\nb', r'\\d+', '''x'y'''")).toBe("SELECT 'a\nb', '\\d+', 'x''y'");
  });

  it('rejects a raw newline in a single-quoted literal, as BigQuery does', () => {
    expect(() => translate("SELECT 'a\nb'")).toThrow(TranslateError);
  });

  it('rewrites the functions the runbook uses', () => {
    expect(translate('COUNTIF(status = \'failed\')')).toBe("count_if(status = 'failed')");
    expect(translate('TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 24 HOUR)')).toBe('((current_timestamp) - INTERVAL 24 HOUR)');
    expect(translate('DATE_SUB(d, INTERVAL 7 DAY)')).toBe('CAST((d) - INTERVAL 7 DAY AS DATE)');
    expect(translate('DATE_DIFF(a, b, DAY)')).toBe("date_diff('day', b, a)");
    expect(translate('SAFE_DIVIDE(x, y)')).toBe('(CASE WHEN (y) = 0 THEN NULL ELSE (x) / (y) END)');
    expect(translate('CAST(x AS STRING), CAST(y AS INT64), CAST(z AS FLOAT64)')).toBe('CAST(x AS VARCHAR), CAST(y AS BIGINT), CAST(z AS DOUBLE)');
    expect(translate('SAFE_DIVIDE(COUNTIF(a), SUM(b))')).toBe('(CASE WHEN (SUM(b)) = 0 THEN NULL ELSE (count_if(a)) / (SUM(b)) END)');
  });

  it('handles UNNEST in IN and in FROM', () => {
    expect(translate('WHERE d IN UNNEST(@dates)')).toBe('WHERE d IN (SELECT UNNEST($dates))');
    expect(translate('SELECT d FROM UNNEST(@dates) AS d')).toBe('SELECT d FROM (SELECT UNNEST($dates) AS d) AS _unnest_d');
  });

  it('drops PARTITION BY / CLUSTER BY of CREATE TABLE but keeps window PARTITION BY', () => {
    const ddl = translate('CREATE TABLE IF NOT EXISTS `p-x.ds.t` (\n  d DATE,\n  a ARRAY<STRING>\n)\nPARTITION BY d\nCLUSTER BY a, b');
    expect(ddl).toBe('CREATE TABLE IF NOT EXISTS ds.t (\n  d DATE,\n  a VARCHAR[]\n)\n');
    expect(translate('SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t')).toContain('PARTITION BY a');
  });

  it('translates transaction verbs', () => {
    expect(translate('BEGIN TRANSACTION; COMMIT TRANSACTION;')).toBe('BEGIN TRANSACTION; COMMIT;');
  });

  it('splits scripts at top-level semicolons only', () => {
    expect(splitStatements("SELECT ';'; SELECT 2; -- trailing")).toEqual(["SELECT ';'", 'SELECT 2']);
  });

  it('tokenizes # and /* */ comments', () => {
    expect(tokenize('SELECT 1 # c\n/* x */').filter((t) => t.kind === 'comment').map((t) => t.text)).toEqual(['# c', '/* x */']);
  });
});

describe('date differences: the parts whose meaning both engines share', () => {
  it('DATE_DIFF counts boundaries with date_diff; TIMESTAMP_DIFF counts whole intervals with date_sub', () => {
    expect(translate('DATE_DIFF(a, b, MONTH)')).toBe("date_diff('month', b, a)");
    expect(translate('TIMESTAMP_DIFF(a, b, HOUR)')).toBe("date_sub('hour', b, a)");
  });

  it('refuses DATE_DIFF in weeks (BigQuery weeks start on Sunday, DuckDB weeks on Monday) and unknown parts', () => {
    expect(() => translate('DATE_DIFF(a, b, WEEK)')).toThrow(new TranslateError('DATE_DIFF: unsupported part WEEK'));
    expect(() => translate('TIMESTAMP_DIFF(a, b, FORTNIGHT)')).toThrow(new TranslateError('TIMESTAMP_DIFF: unsupported part FORTNIGHT'));
  });
});

describe('ARRAY_AGG and array subscripts (values checked in test/conformance.test.ts)', () => {
  it('leaves the analytic form and a bare ARRAY_AGG as they are, apart from BigQuery’s NULL order', () => {
    expect(translate('ARRAY_AGG(x) OVER (PARTITION BY g)')).toBe('ARRAY_AGG(x) OVER (PARTITION BY g)');
    expect(translate('ARRAY_AGG(DISTINCT x)')).toBe('array_agg(DISTINCT x)');
    expect(translate('ARRAY_AGG(x ORDER BY a, b DESC, c ASC NULLS LAST)')).toBe('array_agg(x ORDER BY a NULLS FIRST, b DESC NULLS LAST, c ASC NULLS LAST)');
  });

  it('refuses what it does not translate, with the reason', () => {
    expect(() => translate('ARRAY_AGG(x IGNORE NULLS)')).toThrow(new TranslateError('ARRAY_AGG: IGNORE/RESPECT NULLS is not supported'));
    expect(() => translate('ARRAY_AGG(x LIMIT @n)')).toThrow(new TranslateError('ARRAY_AGG: LIMIT must be a number, not $n'));
    expect(() => translate('ARRAY_AGG(x)[OFFSET 0]')).toThrow(new TranslateError('ARRAY_AGG(…)[OFFSET…]: expected OFFSET(index)'));
  });
});

describe('what mutation testing found unread in the translation (expected SQL written by hand)', () => {
  it('drops PARTITION BY, CLUSTER BY and OPTIONS(…) after CREATE TABLE, whatever their inner parentheses and words, up to AS or ;', () => {
    expect(translate("CREATE TABLE `p-1.ds.t` PARTITION BY d OPTIONS(description = (SELECT 'x' AS y)) AS SELECT DATE '2024-01-01' AS d"))
      .toBe("CREATE TABLE ds.t AS SELECT DATE '2024-01-01' AS d");
    expect(translate('CREATE TABLE `p-1.ds.t` (d DATE, n INT64) PARTITION BY d CLUSTER BY n OPTIONS(description = "a (b); c"); SELECT (1)'))
      .toBe('CREATE TABLE ds.t (d DATE, n BIGINT) ; SELECT (1)');
  });

  it('ARRAY_AGG: an ORDER BY or LIMIT inside the value or a key is not the aggregate’s own', () => {
    expect(translate('ARRAY_AGG((SELECT MAX(z) FROM u ORDER BY z LIMIT 1) ORDER BY y)')).toBe('array_agg((SELECT MAX(z) FROM u ORDER BY z LIMIT 1) ORDER BY y NULLS FIRST)');
    expect(translate('ARRAY_AGG(x ORDER BY ARRAY_LENGTH([(SELECT 1 LIMIT 1)]) LIMIT 2)')).toBe('list_slice(array_agg(x ORDER BY len([(SELECT 1 LIMIT 1)]) NULLS FIRST), 1, 2)');
  });

  it('ARRAY_AGG: DESC is read from the key’s last word; LIMIT takes any whole number and nothing else; spaces inside are dropped', () => {
    expect(translate('ARRAY_AGG(x ORDER BY CASE WHEN a THEN b END DESC)')).toBe('array_agg(x ORDER BY CASE WHEN a THEN b END DESC NULLS LAST)');
    expect(translate('ARRAY_AGG(x ORDER BY b DESC , c)')).toBe('array_agg(x ORDER BY b DESC NULLS LAST, c NULLS FIRST)');
    expect(translate('ARRAY_AGG(x LIMIT 10 )')).toBe('list_slice(array_agg(x), 1, 10)');
    expect(() => translate('ARRAY_AGG(x LIMIT @n1)')).toThrow(new TranslateError('ARRAY_AGG: LIMIT must be a number, not $n1'));
    expect(() => translate('ARRAY_AGG(x LIMIT 2 x)')).toThrow(new TranslateError('ARRAY_AGG: LIMIT must be a number, not 2 x'));
    expect(translate('ARRAY_AGG(x)[SAFE_OFFSET( 1 )]')).toBe('(CASE WHEN (1) + 1 >= 1 AND (1) + 1 <= len(array_agg(x)) THEN (array_agg(x))[(1) + 1] END)');
    expect(() => translate('ARRAY_AGG(x)[OFFSET(0) + 1]')).toThrow(new TranslateError('ARRAY_AGG(…)[OFFSET(…)]: expected ]'));
  });

  it('ARRAY<T> with spaces inside, and an unterminated one', () => {
    expect(translate('CAST(x AS ARRAY< INT64 >)')).toBe('CAST(x AS BIGINT[])');
    expect(() => translate('CAST(x AS ARRAY<INT64)')).toThrow(new TranslateError('unterminated ARRAY<…> type'));
  });
});
