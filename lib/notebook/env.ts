/**
 * Durations the environment may set: knobs an operator rarely touches and the
 * tests turn down (a shorter wait, a shorter backoff). Only a positive number
 * counts; anything else leaves the default.
 */
export function envMs(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** The warehouse's waits from the environment, for every script that opens it. */
export function warehouseWaits(): { busyTimeoutMs?: number; retryBaseMs?: number } {
  return {
    // How long to wait for another process holding the embedded warehouse (default two minutes).
    busyTimeoutMs: envMs('RUNBOOK_BUSY_TIMEOUT_MS'),
    // BigQuery: the first pause of the backoff on transient errors (default 500 ms, doubling).
    retryBaseMs: envMs('RUNBOOK_BQ_RETRY_BASE_MS'),
  };
}
