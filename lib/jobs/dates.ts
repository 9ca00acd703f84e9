/**
 * How a job's SQL names its dates. A bound on a partition column must be a
 * constant expression for BigQuery to skip the other partitions: `IN
 * UNNEST(@dates)` is one, `(SELECT MIN(d) FROM UNNEST(@dates))` is a subquery
 * and is not. DuckDB alike pushes only constant ranges into its scans, where
 * they skip row groups (a season's player_composite_factors had read every
 * table whole, for ~30 % more CPU); an `IN UNNEST` it runs as a join.
 * test/date-bounds.test.ts checks every read of every Phase 3/4 job.
 */
import { p, type Params } from '../warehouse/params.ts';

/** An insert's parameters: @dates, and its least and greatest date as @first_date and @last_date. */
export function insertParams(dates: readonly string[]): Params {
  const sorted = [...dates].sort();
  return {
    dates: p.dates([...dates]),
    first_date: sorted.length ? p.date(sorted[0]) : p.null('DATE'),
    last_date: sorted.length ? p.date(sorted[sorted.length - 1]) : p.null('DATE'),
  };
}

/** `column` is one of @dates, and so within @first_date .. @last_date (the range both engines skip by). */
export function onDates(column: string): string {
  return `${column} IN UNNEST(@dates) AND ${column} BETWEEN @first_date AND @last_date`;
}
