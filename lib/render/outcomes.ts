/**
 * The original's Expected Outcomes rows, as Step 5 keeps them to check
 * against the data (lib/final/outcomes.ts). Read at render time and only if
 * that module imports: the section falls back to the job list otherwise.
 */
export interface OriginalOutcome { phase: string; table: string; original: string; notes: string }

export async function loadOriginalOutcomes(): Promise<OriginalOutcome[] | null> {
  try {
    const mod = (await import('../final/outcomes.ts')) as { ORIGINAL_OUTCOMES?: OriginalOutcome[] };
    return Array.isArray(mod.ORIGINAL_OUTCOMES) ? mod.ORIGINAL_OUTCOMES : null;
  } catch {
    return null;
  }
}
