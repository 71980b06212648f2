/**
 * The event catalogue and the channel list: the vocabulary shared by the SPA and the BFF.
 * Labels and help texts are what a person sees in the notification matrix.
 */
export const EVENT_NAMES = [
  'product_type_added',
  'product_added',
  'engagement_added',
  'test_added',
  'scan_added',
  'scan_added_empty',
  'jira_update',
  'upcoming_engagement',
  'stale_engagement',
  'auto_close_engagement',
  'close_engagement',
  'user_mentioned',
  'code_review',
  'review_requested',
  'other',
  'sla_breach',
  'sla_breach_combined',
  'risk_acceptance_expiration',
] as const;

export type TEventName = (typeof EVENT_NAMES)[number];

export type TEventInfo = {
  name: TEventName;
  label: string;
  help: string;
  /** Offered on the product page: the event is about one product. */
  isProductEvent: boolean;
  /** Default icon name (see ICON_NAMES). */
  icon: string;
};

export const EVENTS: readonly TEventInfo[] = [
  {
    name: 'product_type_added',
    label: 'Product Type Added',
    help: 'A new product type is created.',
    isProductEvent: false,
    icon: 'folder',
  },
  { name: 'product_added', label: 'Product Added', help: 'A new product is created.', isProductEvent: false, icon: 'box' },
  {
    name: 'engagement_added',
    label: 'Engagement Added',
    help: 'A new engagement is created on a product.',
    isProductEvent: true,
    icon: 'calendar',
  },
  { name: 'test_added', label: 'Test Added', help: 'A new test is added to an engagement.', isProductEvent: true, icon: 'flask' },
  { name: 'scan_added', label: 'Scan Added', help: 'A scan is imported or re-imported with findings.', isProductEvent: true, icon: 'scan' },
  {
    name: 'scan_added_empty',
    label: 'Scan Added (Empty)',
    help: 'A scan is imported that contains no findings.',
    isProductEvent: true,
    icon: 'scan',
  },
  {
    name: 'jira_update',
    label: 'Jira Update',
    help: 'A Jira issue linked to a finding is created or updated, or a Jira push fails.',
    isProductEvent: true,
    icon: 'bug',
  },
  {
    name: 'upcoming_engagement',
    label: 'Upcoming Engagement',
    help: 'An engagement is about to start.',
    isProductEvent: true,
    icon: 'calendar',
  },
  {
    name: 'stale_engagement',
    label: 'Stale Engagement',
    help: 'An engagement is past its end date and still open.',
    isProductEvent: true,
    icon: 'clock',
  },
  {
    name: 'auto_close_engagement',
    label: 'Auto Close Engagement',
    help: 'A stale engagement is closed automatically.',
    isProductEvent: true,
    icon: 'lock',
  },
  { name: 'close_engagement', label: 'Close Engagement', help: 'An engagement is closed.', isProductEvent: true, icon: 'lock' },
  { name: 'user_mentioned', label: 'User Mentioned', help: 'Someone mentions you in a note.', isProductEvent: false, icon: 'at' },
  { name: 'code_review', label: 'Code Review', help: 'A finding is sent for code review.', isProductEvent: false, icon: 'code' },
  {
    name: 'review_requested',
    label: 'Review Requested',
    help: 'Someone asks you to review a finding.',
    isProductEvent: false,
    icon: 'eye',
  },
  {
    name: 'other',
    label: 'Other',
    help: 'Any event that has no row of its own, including events sent by integrations.',
    isProductEvent: false,
    icon: 'bell',
  },
  {
    name: 'sla_breach',
    label: 'SLA Breach',
    help: 'A finding is about to breach, or has breached, its SLA.',
    isProductEvent: true,
    icon: 'alert',
  },
  {
    name: 'sla_breach_combined',
    label: 'SLA Breach (Combined)',
    help: 'One summary of the findings of a product that breach their SLA.',
    isProductEvent: true,
    icon: 'alert',
  },
  {
    name: 'risk_acceptance_expiration',
    label: 'Risk Acceptance Expiration',
    help: 'A risk acceptance is about to expire or has expired.',
    isProductEvent: true,
    icon: 'shield',
  },
];

export const PRODUCT_EVENT_NAMES: readonly TEventName[] = EVENTS.filter((e) => e.isProductEvent).map((e) => e.name);

const EVENT_BY_NAME = new Map<string, TEventInfo>(EVENTS.map((e) => [e.name, e]));

export function isCatalogueEvent(name: string): name is TEventName {
  return EVENT_BY_NAME.has(name);
}

/** An event name outside the catalogue is routed by the settings of `other`. */
export function findEventInfo(name: string): TEventInfo {
  return EVENT_BY_NAME.get(name) ?? (EVENT_BY_NAME.get('other') as TEventInfo);
}

export const CHANNELS = ['alert', 'mail', 'slack', 'msteams', 'webhooks'] as const;
export type TChannel = (typeof CHANNELS)[number];
/** Channels other than the in-app alert list; their delivery goes through the pipeline. */
export const EXTERNAL_CHANNELS = ['mail', 'slack', 'msteams', 'webhooks'] as const satisfies readonly TChannel[];
export type TExternalChannel = (typeof EXTERNAL_CHANNELS)[number];

export const CHANNEL_LABELS: Record<TChannel, string> = {
  alert: 'Alert',
  mail: 'Mail',
  slack: 'Slack',
  msteams: 'Microsoft Teams',
  webhooks: 'Webhooks',
};

/** Bits used to store a channel set in one integer column. */
export const CHANNEL_BITS: Record<TChannel, number> = { alert: 1, mail: 2, slack: 4, msteams: 8, webhooks: 16 };

export function channelsToMask(channels: readonly TChannel[]): number {
  let mask = 0;
  for (const c of channels) mask |= CHANNEL_BITS[c];
  return mask;
}

export function maskToChannels(mask: number): TChannel[] {
  return CHANNELS.filter((c) => (mask & CHANNEL_BITS[c]) !== 0);
}

export const SETTINGS_SCOPES = ['system', 'personal', 'template'] as const;
export type TSettingsScope = (typeof SETTINGS_SCOPES)[number];

/** Channels a scope may ever offer (before the system "enabled" switches are applied). Teams is system-only. */
export const SCOPE_CHANNELS: Record<TSettingsScope | 'product', readonly TChannel[]> = {
  system: ['alert', 'mail', 'slack', 'msteams', 'webhooks'],
  personal: ['alert', 'mail', 'slack', 'webhooks'],
  template: ['alert', 'mail', 'slack', 'webhooks'],
  product: ['alert', 'mail', 'slack'],
};

export const ROLES = ['Reader', 'Writer', 'Maintainer', 'Owner'] as const;
export type TRole = (typeof ROLES)[number];

export const ENGAGEMENT_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Cancelled'] as const;
export type TEngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];

/** Icon names an alert may carry; the SPA maps each to a glyph. Unknown names show the bell. */
export const ICON_NAMES = [
  'bell',
  'folder',
  'box',
  'calendar',
  'flask',
  'scan',
  'bug',
  'clock',
  'lock',
  'at',
  'code',
  'eye',
  'alert',
  'shield',
  'mail',
  'slack',
  'msteams',
  'webhooks',
  'check',
  'info',
] as const;

/** Field limits of an alert (design.md): longer input is truncated, not rejected. */
export const ALERT_LIMITS = { title: 250, description: 2000, url: 2000, source: 100, icon: 25 } as const;
