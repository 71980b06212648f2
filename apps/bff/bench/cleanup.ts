/**
 * Things a bench run must undo even when it is interrupted (Ctrl-C) or fails: server processes it started,
 * its throw-away PostgreSQL, its databases and temporary files. run.ts runs what is left on a signal.
 */
type TCleanup = { label: string; run: () => void | Promise<void> };

const pending = new Set<TCleanup>();

/** Register an undo step; the returned function runs it now (once) and unregisters it. */
export function registerCleanup(label: string, run: () => void | Promise<void>): () => Promise<void> {
  const entry: TCleanup = { label, run };
  pending.add(entry);
  return async () => {
    if (!pending.delete(entry)) return;
    await entry.run();
  };
}

/** Run every step still registered, newest first; a failing step is reported and the others still run. */
export async function runCleanups(): Promise<void> {
  for (const entry of [...pending].reverse()) {
    pending.delete(entry);
    try {
      await entry.run();
    } catch (err) {
      console.error(`cleanup "${entry.label}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
