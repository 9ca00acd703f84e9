/** Backticked BigQuery table paths, as operators paste them into `bq query`. */
export function table(project: string, name: string): string {
  return `\`${project}.${name}\``;
}
