/**
 * "Alert lists changed" notifications on the in-process bus. Publishing emits one aggregate event (all user
 * ids, for observers) and one event per user, so an SSE stream subscribes to its own user only: a fan-out
 * to 10,000 users costs 10,000 constant-time emits, not a scan of 10,000 ids in every open stream.
 */
import type { AlertBus } from '../app-context';

export const ALERTS_CHANGED = 'alerts-changed';
export const alertsChangedFor = (userId: number) => `${ALERTS_CHANGED}:${userId}`;

export function publishAlertsChanged(bus: AlertBus, userIds: readonly number[]): void {
  if (userIds.length === 0) return;
  bus.emit(ALERTS_CHANGED, userIds);
  for (const id of userIds) bus.emit(alertsChangedFor(id));
}

/** Calls `listener` whenever the user's alert list changes; returns the unsubscribe function. */
export function subscribeAlertsChanged(bus: AlertBus, userId: number, listener: () => void): () => void {
  const event = alertsChangedFor(userId);
  bus.on(event, listener);
  return () => bus.off(event, listener);
}
