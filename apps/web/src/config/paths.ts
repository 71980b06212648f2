/**
 * Every path of the SPA, in one place. `path` is the router pattern, `getHref` builds a link.
 * Route files, links and redirects all read from here so that a path changes in one spot.
 */

/** Only same-site paths may be a post-login destination; anything else falls back to the home page. */
export function toSafeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?')) return '/';
  return next;
}

export const paths = {
  home: { path: '/', getHref: () => '/' },
  login: {
    path: '/login',
    getHref: (next?: string | null) => {
      const target = next ? toSafeNextPath(next) : '/';
      return target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`;
    },
  },
  alerts: {
    path: '/alerts',
    getHref: (page?: number) => (page && page > 1 ? `/alerts?page=${page}` : '/alerts'),
    detail: { path: '/alerts/:id', getHref: (id: number | string) => `/alerts/${encodeURIComponent(String(id))}` },
  },
  notifications: {
    path: '/notifications',
    /** A superuser can land on one scope (System Settings links to the System matrix); others always see their own. */
    getHref: (scope?: 'system' | 'personal' | 'template') => (scope ? `/notifications?scope=${scope}` : '/notifications'),
  },
  notificationTemplate: { path: '/notification-template', getHref: () => '/notification-template' },
  products: {
    path: '/products',
    getHref: () => '/products',
    detail: { path: '/products/:id', getHref: (id: number | string) => `/products/${encodeURIComponent(String(id))}` },
    /** Where SLA summary notices link; it leads to the findings on the product page. */
    findings: { path: '/products/:id/findings' },
  },
  riskAcceptances: {
    detail: { path: '/risk-acceptances/:id', getHref: (id: number | string) => `/risk-acceptances/${encodeURIComponent(String(id))}` },
  },
  engagements: {
    detail: {
      path: '/engagements/:id',
      getHref: (id: number | string, noteId?: number) =>
        `/engagements/${encodeURIComponent(String(id))}${noteId === undefined ? '' : `#note-${noteId}`}`,
    },
  },
  reviews: { path: '/reviews', getHref: () => '/reviews' },
  tests: { detail: { path: '/tests/:id', getHref: (id: number | string) => `/tests/${encodeURIComponent(String(id))}` } },
  findings: {
    detail: {
      path: '/findings/:id',
      getHref: (id: number | string, noteId?: number) =>
        `/findings/${encodeURIComponent(String(id))}${noteId === undefined ? '' : `#note-${noteId}`}`,
    },
  },
  slaConfigurations: { path: '/sla-configurations', getHref: () => '/sla-configurations' },
  jobs: { path: '/jobs', getHref: () => '/jobs' },
  productTypes: {
    path: '/product-types',
    getHref: () => '/product-types',
    detail: { path: '/product-types/:id', getHref: (id: number | string) => `/product-types/${encodeURIComponent(String(id))}` },
  },
  users: {
    path: '/users',
    getHref: () => '/users',
    detail: { path: '/users/:id', getHref: (id: number | string) => `/users/${encodeURIComponent(String(id))}` },
    /** The superuser's view of a user's notification settings (a tab of the user page). */
    notifications: {
      getHref: (id: number | string) => `/users/${encodeURIComponent(String(id))}?tab=notifications`,
    },
  },
  profile: { path: '/profile', getHref: () => '/profile' },
  systemSettings: { path: '/system-settings', getHref: () => '/system-settings' },
  webhooks: { path: '/webhooks', getHref: () => '/webhooks' },
  rules: { path: '/rules', getHref: () => '/rules' },
  destinations: { path: '/destinations', getHref: () => '/destinations' },
  deliveries: {
    path: '/deliveries',
    getHref: (destinationId?: number) => (destinationId === undefined ? '/deliveries' : `/deliveries?destination_id=${destinationId}`),
    detail: { path: '/deliveries/:id', getHref: (id: number | string) => `/deliveries/${encodeURIComponent(String(id))}` },
  },
} as const;
