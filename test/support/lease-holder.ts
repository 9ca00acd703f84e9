/**
 * A second process for the lease tests: takes a season's lease on the backend
 * the environment names, prints "held <run id>", and keeps it (heartbeating)
 * until SIGTERM releases it, or SIGKILL leaves it behind like a killed run.
 * argv: season phase runId [--wait]
 */
import os from 'node:os';
import { openWarehouse } from '../../lib/warehouse/open.ts';
import { LeaseTable } from '../../lib/lease/lease.ts';

const [season, phase, runId, wait] = process.argv.slice(2);
const w = await openWarehouse({
  backend: process.env.RUNBOOK_BACKEND === 'bigquery' ? 'bigquery' : 'duckdb',
  project: 'nba-props-platform', file: process.env.RUNBOOK_WAREHOUSE ?? ':memory:', endpoint: process.env.BIGQUERY_EMULATOR_HOST,
});
const leases = new LeaseTable(w, 'nba_reference');
try {
  const lease = await leases.acquire({ season, phase }, { runId, script: 'lease-holder', operator: 'tester', host: os.hostname(), pid: process.pid },
    { wait: wait === '--wait', pollMs: 200, say: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`held ${runId}\n`);
  process.on('SIGTERM', () => { void lease.release().then(() => w.close()).then(() => process.exit(0)); });
  setInterval(() => undefined, 1_000);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  await w.close();
  process.exit((e as { exitCode?: number }).exitCode ?? 1);
}
