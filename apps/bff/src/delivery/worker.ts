/**
 * The delivery worker, inside the BFF process: claims due deliveries with a lease, sends them
 * concurrently (at most WORKER_CONCURRENCY at once) and records each outcome.
 *
 * It wakes on the bus's 'deliveries-queued' (from any replica on PostgreSQL), when a send finishes (to refill
 * the free slot), at the next due time it knows of, and every WORKER_POLL_MS otherwise. Claiming is by due
 * time only, so rows waiting for a backoff or for a resting endpoint never block the ones behind them.
 *
 * One destination never takes every slot: at most max(2, concurrency / 8) sends are in flight per destination
 * (a webhook endpoint, or the service behind each other channel: the SMTP server, Slack, the Teams webhook),
 * and the rows of a destination at its cap are left for later. A hanging receiver holds its few slots until
 * its timeout; every other destination keeps the rest. The cap is per process: each replica has its own.
 *
 * Crash safety comes from the lease: a 'sending' row whose lease passed is due again, and a restarted
 * instance takes back its own leased rows at once (queue.releaseOwnLeases).
 */
import { setMaxListeners } from 'node:events';
import type { Deps } from '../app-context';
import { isTruthy } from '../db/database';
import { findWebhookTargets, type TSendContext, type TWebhookTarget } from './channels/adapter';
import { closeMailTransports } from './channels/mail';
import { computeLeases, MERGEABLE_CHANNELS, renderDeliveryContent, renderMergedDeliveryContent } from './channels/registry';
import {
  claim,
  destinationOf,
  findNextDueAt,
  recordSentAttempts,
  releaseOwnLeases,
  type TAttemptRecord,
  type TClaimedDelivery,
  type TLease,
} from './queue';
import { processDelivery, type TDeliveryResult } from './send';
import { getPublicBaseUrl, getSystemSettings, type TSystemSettings } from './settings';

export type TWorkerOptions = {
  concurrency?: number;
  /** Sends allowed in flight per destination; max(2, concurrency / 8) by default. */
  perDestination?: number;
  leaseMs?: number;
  pollMs?: number;
  /** On stop, how long in-flight sends may finish before they are cancelled and put back. */
  stopGraceMs?: number;
};

export type TRunStats = Record<TDeliveryResult, number> & { claimed: number };

export const DEFAULT_STOP_GRACE_MS = 5_000;

const emptyStats = (): TRunStats => ({ claimed: 0, sent: 0, retrying: 0, failed: 0, deferred: 0, released: 0, lost: 0 });

/** The default cap of sends in flight per destination. */
export const perDestinationCap = (concurrency: number): number => Math.max(2, Math.floor(concurrency / 8));

/** The most successful sends recorded by one statement. */
export const RECORD_BATCH_MAX = 256;

/**
 * Group commit of successful sends: the first one starts a write; the sends that finish while it runs wait and go
 * together in the next write, so a busy worker records a dozen in one statement, and a quiet one waits for nothing
 * (a lone send is written at the next turn of the event loop). Each caller learns whether its own row changed.
 */
export class SentRecorder {
  private pending: { lease: TLease; attempt: TAttemptRecord; resolve: (stored: boolean) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;
  /** How many writes, for the tests. */
  writes = 0;

  constructor(private readonly deps: Deps) {}

  record(lease: TLease, attempt: TAttemptRecord): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ lease, attempt, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, RECORD_BATCH_MAX);
      this.writes += 1;
      try {
        const stored = await recordSentAttempts(this.deps, batch);
        for (const [i, b] of batch.entries()) b.resolve(stored[i] ?? false);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.writing = false;
  }
}

/** The claim-and-send machinery shared by the long-running worker and runDueDeliveries. */
class DeliveryEngine {
  readonly stats = emptyStats();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly byDestination = new Map<string, number>();
  private readonly probes = new Set<string>();
  private readonly controller = new AbortController();
  private readonly concurrency: number;
  private readonly perDestination: number;
  private readonly leaseMs: number;
  private readonly minBatch: number;
  readonly recorder: SentRecorder;

  constructor(
    private readonly deps: Deps,
    opts: TWorkerOptions,
    private readonly onSettled: () => void = () => {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? deps.env.WORKER_CONCURRENCY);
    this.perDestination = Math.max(1, opts.perDestination ?? perDestinationCap(this.concurrency));
    this.leaseMs = opts.leaseMs ?? deps.env.WORKER_LEASE_SECONDS * 1000;
    this.minBatch = Math.max(1, Math.floor(this.concurrency / 4));
    this.recorder = new SentRecorder(deps);
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
  async fill(): Promise<{ requested: number; claimed: number }> {
    const free = this.freeSlots;
    if (free <= 0 || this.controller.signal.aborted) return { requested: 0, claimed: 0 };
    if (this.inFlight.size > 0 && free < this.minBatch) return { requested: 0, claimed: 0 };
    const settings = await getSystemSettings(this.deps);
    const renderSettings = {
      teamName: settings.teamName,
      disclaimer: settings.disclaimer,
      baseUrl: getPublicBaseUrl(this.deps.env),
      confidential: isTruthy(settings.confidentialMode),
    };
    const rows = await claim(this.deps, {
      limit: free,
      leases: computeLeases(this.leaseMs, settings),
      inFlight: this.byDestination,
      perDestination: this.perDestination,
      render: (channel, event, context, uuid) => renderDeliveryContent(channel, event, context, renderSettings, uuid),
      merge: {
        channels: MERGEABLE_CHANNELS,
        max: this.deps.env.CHAT_MERGE_MAX,
        render: (channel, items) => renderMergedDeliveryContent(channel, items, renderSettings),
      },
    });
    this.stats.claimed += rows.length;
    const webhookIds = [...new Set(rows.flatMap((r) => (r.targetKind === 'webhook' && r.webhookId !== null ? [r.webhookId] : [])))];
    // Rows are leased now: a failed read must not strand them, each send then reads its own endpoint.
    const webhooks = await findWebhookTargets(this.deps, webhookIds).catch(() => new Map<number, TWebhookTarget>());
    for (const row of rows) {
      // Only possible when a send outlived its lease: the new claim will be retried when that lease passes.
      if (this.inFlight.has(row.id)) continue;
      this.start(row, settings, webhooks);
    }
    return { requested: free, claimed: rows.length };
  }

  private start(row: TClaimedDelivery, settings: TSystemSettings, webhooks: ReadonlyMap<number, TWebhookTarget>) {
    const ctx: TSendContext = {
      settings,
      signal: this.controller.signal,
      probes: this.probes,
      webhooks,
      recordSent: (lease, attempt) => this.recorder.record(lease, attempt),
    };
    const destination = destinationOf(row);
    this.byDestination.set(destination, (this.byDestination.get(destination) ?? 0) + 1);
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
        const left = (this.byDestination.get(destination) ?? 1) - 1;
        if (left > 0) this.byDestination.set(destination, left);
        else this.byDestination.delete(destination);
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
    await engine.fill();
    if (engine.size === 0) break;
    await engine.waitForAny();
  }
  return engine.stats;
}

export type TWorker = { stop(): Promise<void>; wake(): void; readonly stats: TRunStats };

/**
 * Start the long-running worker. It first takes back the rows this instance (deps.instanceId) had leased when it
 * last stopped, then claims. stop() stops claiming, lets in-flight sends finish for a grace period, then cancels
 * the rest and puts them back.
 */
export function startWorker(deps: Deps, opts: TWorkerOptions = {}): TWorker {
  const pollMs = opts.pollMs ?? deps.env.WORKER_POLL_MS;
  const stopGraceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  let isStopping = false;
  let isStarted = false;
  let isPumpScheduled = false;
  let pumping: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const engine = new DeliveryEngine(deps, opts, () => wake());

  function wake() {
    if (isStopping || !isStarted || isPumpScheduled) return;
    isPumpScheduled = true;
    // Coalesce: many sends settling in one tick lead to one claim.
    setImmediate(() => {
      // One claim at a time: a wake during a claim runs another right after it.
      if (pumping) {
        void pumping.then(() => {
          isPumpScheduled = false;
          wake();
        });
        return;
      }
      isPumpScheduled = false;
      pumping = pump().finally(() => {
        pumping = null;
      });
    });
  }

  async function pump() {
    if (isStopping) return;
    let result = { requested: 0, claimed: 0 };
    try {
      result = await engine.fill();
    } catch (err) {
      console.error('[delivery] claiming deliveries failed; trying again shortly:', err);
    }
    await scheduleNext(result.requested > 0 && result.claimed < result.requested);
  }

  /** Poll every pollMs; sooner when we know something becomes due before that. */
  async function scheduleNext(isQueueDrained: boolean) {
    let delay = pollMs;
    if (isQueueDrained) {
      try {
        const next = await findNextDueAt(deps);
        if (next !== null) delay = Math.min(delay, Math.max(5, next - deps.now() + 1));
      } catch {
        // keep the poll interval
      }
    }
    if (isStopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      wake();
    }, delay);
    timer.unref();
  }

  const unsubscribe = deps.bus.subscribe('deliveries-queued', () => wake());
  // A restarted instance does not wait for its own leases to lapse.
  const started = releaseOwnLeases(deps)
    .catch((err) =>
      console.error('[delivery] taking back the deliveries this instance had leased failed; they are due when their leases lapse:', err),
    )
    .then(() => {
      isStarted = true;
      wake();
    });

  return {
    stats: engine.stats,
    wake,
    async stop() {
      if (isStopping) return;
      isStopping = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await started;
      // A claim under way finishes: its rows are in flight, and handled below like the others.
      await pumping;
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
