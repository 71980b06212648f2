/** The name of the event row a digest delivery hangs on (deliveries need an event); never routed, never alerted. */
export const DIGEST_EVENT_NAME = 'notification_digest';
