/** Backticked BigQuery table paths, as operators paste them into `bq query`. */
export function table(project: string, name: string): string {
  return `\`${project}.${name}\``;
}

/** Ranks a processor's attempts at a date, latest first: a date's current state is its rank-1 row. */
export const LATEST_ATTEMPT = 'ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY attempt DESC, started_at DESC)';
