/** The fake platforms of test/fixtures/platform, as the command runner's flags. */
import path from 'node:path';
import { ROOT } from './scripts.ts';

/** `--runner command --backfill-cmd <fixture>`: the runbook drives that script as the platform's run_backfill.sh. */
export const command = (fixture: string) => ['--runner', 'command', '--backfill-cmd', path.join(ROOT, 'test/fixtures/platform', fixture)];
