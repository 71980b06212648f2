/**
 * The delivery worker, inside the BFF process: claims due deliveries with a lease, sends them
 * concurrently (at most WORKER_CONCURRENCY at once) and records each outcome.
 *
 * It wakes on deps.bus 'deliveries-queued', when a send finishes (to refill the free slot), at the
 * next due time it knows of, and every WORKER_POLL_MS otherwise. Claiming is by due time only,
 * so rows waiting for a backoff or for a resting endpoint never block the ones behind them.
 * Crash safety comes from the lease: a 'sending' row whose lease passed is due again.
 */
import { setMaxListeners } from 'node:events';
import type { Deps } from '../app-context';
import { closeMailTransports, MAIL_SEND_TIMEOUT_MS } from './channels/mail';
import { TEAMS_TIMEOUT_MS } from './channels/msteams';
import { SLACK_TIMEOUT_MS } from './channels/slack';
import { claimDueDeliveries, findNextDueAt, type TClaimedDelivery, type TLeases } from './claim';
import { processDelivery, type TDeliveryResult } from './send';
import { getSystemSettings, type TSystemSettings } from './settings';

export type TWorkerOptions = {
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  /** On stop, how long in-flight sends may finish before they are cancelled and put back. */
  stopGraceMs?: number;
};

export type TRunStats = Record<TDeliveryResult, number> & { claimed: number };

export const DEFAULT_STOP_GRACE_MS = 5_000;

const emptyStats = (): TRunStats => ({ claimed: 0, sent: 0, retrying: 0, failed: 0, deferred: 0, released: 0, lost: 0 });

/**
 * A lease must outlast the slowest possible send of its channel, or a row still being sent would look
 * abandoned and be claimed (and sent) again: WORKER_LEASE_SECONDS, raised per channel when needed.
 */
export function computeLeases(configuredMs: number, settings: TSystemSettings): TLeases {
  return {
    minMs: configuredMs,
    byChannel: {
      mail: MAIL_SEND_TIMEOUT_MS + LEASE_MARGIN_MS,
      slack: 2 * SLACK_TIMEOUT_MS + LEASE_MARGIN_MS, // users.lookupByEmail, then chat.postMessage
      msteams: TEAMS_TIMEOUT_MS + LEASE_MARGIN_MS,
      webhooks: Math.max(1, settings.webhooksTimeoutSeconds) * 1000 + LEASE_MARGIN_MS,
    },
  };
}

const LEASE_MARGIN_MS = 2_000;

/** The claim-and-send machinery shared by the long-running worker and runDueDeliveries. */
class DeliveryEngine {
  readonly stats = emptyStats();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly webhookProbes = new Set<number>();
  private readonly controller = new AbortController();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly minBatch: number;

  constructor(
    private readonly deps: Deps,
    opts: TWorkerOptions,
    private readonly onSettled: () => void = () => {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? deps.env.WORKER_CONCURRENCY);
    this.leaseMs = opts.leaseMs ?? deps.env.WORKER_LEASE_SECONDS * 1000;
    this.minBatch = Math.max(1, Math.floor(this.concurrency / 4));
    // Every send in flight listens to this signal.
    setMaxListeners(0, this.controller.signal);
  }

  get size(): number {
    return this.inFlight.size;
  }

  get freeSlots(): number {
    return this.concurrency - this.inFlight.size;
  }

  /**
   * Claim as many due rows as there are free slots and start sending them. Returns how many were claimed.
   * While sends are in flight it waits for a quarter of the slots to free up: one claim transaction
   * per batch rather than per finished send. `claimed < requested` means nothing more is due now.
   */
  fill(): { requested: number; claimed: number } {
    const free = this.freeSlots;
    if (free <= 0 || this.controller.signal.aborted) return { requested: 0, claimed: 0 };
    if (this.inFlight.size > 0 && free < this.minBatch) return { requested: 0, claimed: 0 };
    const settings = getSystemSettings(this.deps);
    const rows = claimDueDeliveries(this.deps, free, settings, computeLeases(this.leaseMs, settings));
    this.stats.claimed += rows.length;
    for (const row of rows) {
      // Only possible when a send outlived its lease: the new claim will be retried when that lease passes.
      if (this.inFlight.has(row.id)) continue;
      this.start(row, settings);
    }
    return { requested: free, claimed: rows.length };
  }

  private start(row: TClaimedDelivery, settings: TSystemSettings) {
    const ctx = { settings, signal: this.controller.signal, webhookProbes: this.webhookProbes };
    const done = processDelivery(this.deps, row, ctx)
      .then(
        (result) => {
          this.stats[result] += 1;
        },
        (err) => {
          // Recording the outcome failed (database trouble): the lease expires and the row is claimed again.
          console.error(`[delivery] could not record the outcome of delivery ${row.id}:`, err);
          this.stats.lost += 1;
        },
      )
      .finally(() => {
        this.inFlight.delete(row.id);
        this.onSettled();
      });
    this.inFlight.set(row.id, done);
  }

  /** Resolves when any in-flight send settles (at once when none is in flight). */
  async waitForAny(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.race(this.inFlight.values());
  }

  async waitForAll(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  /** Cancel every in-flight send; each is put back (queued/retrying, lease cleared) unless it already completed. */
  abort(): void {
    this.controller.abort();
  }
}

/**
 * Process everything due now (and whatever becomes due while doing so), then resolve.
 * Rows scheduled for later stay as they are. For tests, scripts and the benchmark.
 */
export async function runDueDeliveries(deps: Deps, opts: TWorkerOptions = {}): Promise<TRunStats> {
  const engine = new DeliveryEngine(deps, opts);
  for (;;) {
    engine.fill();
    if (engine.size === 0) break;
    await engine.waitForAny();
  }
  return engine.stats;
}

export type TWorker = { stop(): Promise<void>; wake(): void; readonly stats: TRunStats };

export function startWorker(deps: Deps, opts: TWorkerOptions = {}): TWorker {
  const pollMs = opts.pollMs ?? deps.env.WORKER_POLL_MS;
  const stopGraceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  let isStopping = false;
  let isPumpScheduled = false;
  let timer: NodeJS.Timeout | null = null;

  const engine = new DeliveryEngine(deps, opts, () => wake());

  function wake() {
    if (isStopping || isPumpScheduled) return;
    isPumpScheduled = true;
    // Coalesce: many sends settling in one tick lead to one claim.
    setImmediate(pump);
  }

  function pump() {
    isPumpScheduled = false;
    if (isStopping) return;
    let result = { requested: 0, claimed: 0 };
    try {
      result = engine.fill();
    } catch (err) {
      console.error('[delivery] claiming deliveries failed; trying again shortly:', err);
    }
    scheduleNext(result.requested > 0 && result.claimed < result.requested);
  }

  /** Poll every pollMs; sooner when we know something becomes due before that. */
  function scheduleNext(isQueueDrained: boolean) {
    if (isStopping) return;
    if (timer) clearTimeout(timer);
    let delay = pollMs;
    if (isQueueDrained) {
      try {
        const next = findNextDueAt(deps);
        if (next !== null) delay = Math.min(delay, Math.max(5, next - deps.now() + 1));
      } catch {
        // keep the poll interval
      }
    }
    timer = setTimeout(() => {
      timer = null;
      wake();
    }, delay);
    timer.unref();
  }

  const onQueued = () => wake();
  deps.bus.on('deliveries-queued', onQueued);
  wake();

  return {
    stats: engine.stats,
    wake,
    async stop() {
      if (isStopping) return;
      isStopping = true;
      deps.bus.off('deliveries-queued', onQueued);
      if (timer) clearTimeout(timer);
      if (engine.size > 0) {
        let graceTimer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, stopGraceMs);
        });
        await Promise.race([engine.waitForAll(), grace]);
        clearTimeout(graceTimer);
        engine.abort();
        await engine.waitForAll();
      }
      engine.abort();
      closeMailTransports();
    },
  };
}
