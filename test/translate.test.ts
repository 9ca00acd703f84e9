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

describe('the tokenizer: every kind of token, written out by hand', () => {
  const tokens = (sql: string) => tokenize(sql).map((t) => (t.value === undefined ? [t.kind, t.text] : [t.kind, t.text, t.value]));

  it('words, whitespace, the three kinds of comment, identifiers, literals, parameters, numbers and two-character operators', () => {
    expect(tokens("a1$b  -- c\n#d\n/*/e*/`p.d.t` 'x\\n' r\"\\y\" '''q''' @p_1 1.5e-3 .5 7E+2 t.x <=>=<>!=||;")).toEqual([
      ['word', 'a1$b'], ['ws', '  '], ['comment', '-- c'], ['ws', '\n'], ['comment', '#d'], ['ws', '\n'],
      ['comment', '/*/e*/'], ['qident', '`p.d.t`', 'p.d.t'], ['ws', ' '],
      ['string', "'x\\n'", 'x\n'], ['ws', ' '], ['string', 'r"\\y"', '\\y'], ['ws', ' '], ['string', "'''q'''", 'q'], ['ws', ' '],
      ['param', '@p_1', 'p_1'], ['ws', ' '], ['number', '1.5e-3'], ['ws', ' '], ['number', '.5'], ['ws', ' '], ['number', '7E+2'], ['ws', ' '],
      ['word', 't'], ['punct', '.'], ['word', 'x'], ['ws', ' '],
      ['punct', '<='], ['punct', '>='], ['punct', '<>'], ['punct', '!='], ['punct', '||'], ['punct', ';'],
    ]);
  });

  it('a minus is not a comment; an @ without a name is not a parameter', () => {
    expect(translate('SELECT a-b, @p # @q')).toBe('SELECT a-b, $p # @q');
    expect(translate('SELECT @1, @')).toBe('SELECT @1, @');
  });

  it('decodes every escape BigQuery has; raw literals keep backslashes; triple quotes may hold newlines and quotes', () => {
    expect(translate("SELECT '\\x41\\u0042\\U00000043\\104\\t\\a\\?'")).toBe("SELECT 'ABCD\t\x07?'");
    expect(translate("SELECT R'\\d', r'a\\'b'")).toBe("SELECT '\\d', 'a\\''b'");
    expect(translate("SELECT '''a\nb''', \"\"\"c\"d\"\"\"")).toBe("SELECT 'a\nb', 'c\"d'");
  });

  it('refuses what BigQuery refuses, with the reason', () => {
    expect(() => translate("SELECT 'abc")).toThrow(new TranslateError('unterminated string literal'));
    expect(() => translate("SELECT 'abc\\")).toThrow(new TranslateError('dangling backslash in string literal'));
    expect(() => translate("SELECT 'a\\qb'")).toThrow(new TranslateError('unknown escape \\q in string literal'));
    expect(() => translate('SELECT /* x')).toThrow(new TranslateError('unterminated /* comment'));
    expect(() => translate('SELECT `p.d')).toThrow(new TranslateError('unterminated backtick identifier'));
  });
});

describe('the translation’s other branches (expected SQL written by hand)', () => {
  it('PARTITION, CLUSTER and OPTIONS are dropped only as clauses of a CREATE TABLE, not as names', () => {
    expect(translate('SELECT cluster, options FROM t')).toBe('SELECT cluster, options FROM t');
    expect(translate('CREATE TABLE `p.ds.t` (cluster STRING, options INT64) PARTITION BY d')).toBe('CREATE TABLE ds.t (cluster VARCHAR, options BIGINT) ');
    // After the statement's end, or after AS, a name is a name again.
    expect(translate('CREATE TABLE `p.ds.t` (d DATE); SELECT cluster FROM t')).toBe('CREATE TABLE ds.t (d DATE); SELECT cluster FROM t');
    expect(translate('CREATE TABLE `p.ds.t` AS SELECT cluster FROM `p.ds.u`')).toBe('CREATE TABLE ds.t AS SELECT cluster FROM ds.u');
  });

  it('a CLUSTER BY list ends at AS, in any case', () => {
    expect(translate('CREATE TABLE `p.ds.t` PARTITION BY d CLUSTER BY a, b AS SELECT 1 AS a, 2 AS b')).toBe('CREATE TABLE ds.t AS SELECT 1 AS a, 2 AS b');
    expect(translate('create table `p.ds.t` partition by d cluster by n as select 1 as n')).toBe('create table ds.t as select 1 as n');
  });

  it('ROLLBACK TRANSACTION, CURRENT_DATE(), DATE(x) and a DATE of three arguments', () => {
    expect(translate('BEGIN TRANSACTION; ROLLBACK TRANSACTION;')).toBe('BEGIN TRANSACTION; ROLLBACK;');
    expect(translate('SELECT CURRENT_DATE()')).toBe('SELECT current_date');
    expect(translate('SELECT DATE(ts), DATE(2024, 1, 2)')).toBe('SELECT CAST(ts AS DATE), DATE(2024, 1, 2)');
  });

  it('a type name called as a function (BigQuery’s STRING(ts), INT64(json)) is left alone', () => {
    expect(translate('SELECT STRING(ts), INT64(j), CAST(x AS INT64)')).toBe('SELECT STRING(ts), INT64(j), CAST(x AS BIGINT)');
  });

  it('UNNEST without an alias is left as it is; comparisons are not ARRAY<…>; a > before ARRAY<…> is not its end', () => {
    expect(translate('SELECT * FROM UNNEST(@d)')).toBe('SELECT * FROM UNNEST($d)');
    expect(translate('(UNNEST(@dates))')).toBe('(UNNEST($dates))');
    expect(translate('WHERE a < b AND c > d')).toBe('WHERE a < b AND c > d');
    expect(translate('SELECT ARRAY(SELECT 1)')).toBe('SELECT ARRAY(SELECT 1)');
    expect(translate('SELECT a > 0, CAST(x AS ARRAY<INT64>)')).toBe('SELECT a > 0, CAST(x AS BIGINT[])');
  });

  it('ARRAY_AGG: RESPECT NULLS refused; an alias named like a subscript is an alias; a subscript cut short fails with the reason', () => {
    expect(() => translate('ARRAY_AGG(x RESPECT NULLS)')).toThrow(new TranslateError('ARRAY_AGG: IGNORE/RESPECT NULLS is not supported'));
    expect(translate('SELECT ARRAY_AGG(x) AS ordinal FROM t')).toBe('SELECT array_agg(x) AS ordinal FROM t');
    expect(() => translate('ARRAY_AGG(x)[OFFSET')).toThrow(new TranslateError('ARRAY_AGG(…)[OFFSET…]: expected OFFSET(index)'));
    expect(() => translate('ARRAY_AGG(x)[OFFSET(0)')).toThrow(new TranslateError('ARRAY_AGG(…)[OFFSET(…)]: expected ]'));
  });

  it('splits statements without blank ones and without the spaces around them', () => {
    expect(splitStatements('SELECT 1 ;;\n SELECT 2 ; SELECT 3 ')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });
});

describe('the translation, by hand, for what the last mutation run left (23:53)', () => {
  it('the date, timestamp, division and JSON functions the runbook uses', () => {
    expect(translate('TIMESTAMP_ADD(ts, INTERVAL 1 HOUR)')).toBe('((ts) + INTERVAL 1 HOUR)');
    expect(translate('DATE_ADD(d, INTERVAL 1 DAY)')).toBe('CAST((d) + INTERVAL 1 DAY AS DATE)');
    expect(translate('DIV(a, 7)')).toBe('((a) // (7))');
    expect(translate('TO_JSON_STRING(x)')).toBe('CAST(to_json(x) AS VARCHAR)');
    expect(translate("FORMAT_DATE('%Y-%m', d)")).toBe("strftime(d, '%Y-%m')");
  });

  it('arguments split at top-level commas only (not inside parentheses or brackets); an empty call has no argument', () => {
    expect(translate('SAFE_DIVIDE(COALESCE(a, 0), b)')).toBe('(CASE WHEN (b) = 0 THEN NULL ELSE (COALESCE(a, 0)) / (b) END)');
    expect(translate('SAFE_DIVIDE([1, 2][OFFSET(1)], x)')).toBe('(CASE WHEN (x) = 0 THEN NULL ELSE ([1, 2][OFFSET(1)]) / (x) END)');
    expect(translate('SELECT DATE()')).toBe('SELECT DATE()');
  });

  it('ARRAY_AGG: OFFSET fails out of range, ORDINAL is 1-based; LIMIT after several keys; an ORDER BY inside a key is not the aggregate’s', () => {
    expect(translate('ARRAY_AGG(x)[OFFSET(0)]')).toBe("(CASE WHEN (array_agg(x)) IS NULL THEN NULL WHEN (0) + 1 >= 1 AND (0) + 1 <= len(array_agg(x)) THEN (array_agg(x))[(0) + 1] ELSE error(concat('Array index ', (0), ' is out of bounds')) END)");
    expect(translate('ARRAY_AGG(x)[SAFE_ORDINAL(2)]')).toBe('(CASE WHEN (2) >= 1 AND (2) <= len(array_agg(x)) THEN (array_agg(x))[(2)] END)');
    expect(translate('ARRAY_AGG(x ORDER BY a, b LIMIT 2)')).toBe('list_slice(array_agg(x ORDER BY a NULLS FIRST, b NULLS FIRST), 1, 2)');
    expect(translate('ARRAY_AGG(x ORDER BY (SELECT z FROM u ORDER BY z LIMIT 1))')).toBe('array_agg(x ORDER BY (SELECT z FROM u ORDER BY z LIMIT 1) NULLS FIRST)');
  });

  it('a DEFAULT with AS inside a column list does not end the CREATE TABLE; comments between words are skipped', () => {
    expect(translate('CREATE TABLE `p.ds.t` (d DATE DEFAULT CAST(x AS DATE)) PARTITION BY d')).toBe('CREATE TABLE ds.t (d DATE DEFAULT CAST(x AS DATE)) ');
    expect(translate('COMMIT /* now */ TRANSACTION')).toBe('COMMIT');
  });

  it('what it cannot read is left for the database to reject; unbalanced calls are refused with the reason', () => {
    expect(translate('SELECT 1 + (2')).toBe('SELECT 1 + (2');
    expect(translate('FROM UNNEST(@d) AS')).toBe('FROM UNNEST($d) AS');
    expect(translate('SELECT ARRAY')).toBe('SELECT ARRAY');
    expect(translate('ARRAY_AGG(x)[')).toBe('array_agg(x)[');
    expect(() => translate('SELECT COUNTIF(a')).toThrow(new TranslateError('unbalanced parentheses'));
    expect(() => translate("SELECT 'a\nb'")).toThrow(new TranslateError('newline inside a string literal (BigQuery rejects it)'));
  });

  it('tokens at the very end of the text, division and COUNT(*), literals after a parenthesis, \\X, quotes inside a quoted name', () => {
    expect(translate('LIMIT 10')).toBe('LIMIT 10');
    expect(translate('WHERE d = @d')).toBe('WHERE d = $d');
    expect(translate('SELECT a / b, COUNT(*) FROM t')).toBe('SELECT a / b, COUNT(*) FROM t');
    expect(translate("WHERE s IN ('a', 'b')")).toBe("WHERE s IN ('a', 'b')");
    expect(translate("SELECT '\\X41'")).toBe("SELECT 'A'");
    expect(translate('SELECT `a"b`')).toBe('SELECT "a""b"');
    expect(tokenize('1+2').map((t) => [t.kind, t.text])).toEqual([['number', '1'], ['punct', '+'], ['number', '2']]);
  });

  it('splits statements at semicolons only, and drops blank ones', () => {
    expect(splitStatements('SELECT f(1, 2); ; SELECT 3')).toEqual(['SELECT f(1, 2)', 'SELECT 3']);
  });
});
