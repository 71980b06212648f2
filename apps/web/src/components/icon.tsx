/**
 * Line icons drawn inline as SVG, so they look the same on every system (emoji fonts are missing on
 * many servers and differ between desktops). Shapes follow Feather Icons (MIT licence).
 * Alert and event icons come by name (ICON_NAMES in the contract); unknown names show the bell.
 */
import type { ICON_NAMES } from '@tocsin/contract/catalogue';
import type { ReactNode } from 'react';

type TAlertIconName = (typeof ICON_NAMES)[number];
/** Icons the interface itself uses, beyond those an alert may carry. */
type TUiIconName = 'user' | 'chevron-down' | 'settings' | 'menu' | 'close';
export type TIconName = TAlertIconName | TUiIconName;

const SHAPES: Record<TIconName, { label: string; shape: ReactNode }> = {
  bell: {
    label: 'Notification',
    shape: (
      <>
        <path d="M18 8A6 6 0 0 0 6 8c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </>
    ),
  },
  folder: {
    label: 'Product type',
    shape: <path d="M22 19a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h5l2 3h9a2 2 0 0 1 2 2z" />,
  },
  box: {
    label: 'Product',
    shape: (
      <>
        <path d="M21 16V8a2 2 0 0 0-1-1.73l-7-4a2 2 0 0 0-2 0l-7 4A2 2 0 0 0 3 8v8a2 2 0 0 0 1 1.73l7 4a2 2 0 0 0 2 0l7-4A2 2 0 0 0 21 16z" />
        <polyline points="3.27 6.96 12 12.01 20.73 6.96" />
        <line x1="12" y1="22.08" x2="12" y2="12" />
      </>
    ),
  },
  calendar: {
    label: 'Engagement',
    shape: (
      <>
        <rect x="3" y="4" width="18" height="18" rx="2" ry="2" />
        <line x1="16" y1="2" x2="16" y2="6" />
        <line x1="8" y1="2" x2="8" y2="6" />
        <line x1="3" y1="10" x2="21" y2="10" />
      </>
    ),
  },
  flask: {
    label: 'Test',
    shape: (
      <>
        <path d="M9 3h6" />
        <path d="M10 3v6L4.6 18.6A1.6 1.6 0 0 0 6 21h12a1.6 1.6 0 0 0 1.4-2.4L14 9V3" />
        <path d="M7.5 15h9" />
      </>
    ),
  },
  scan: {
    label: 'Scan',
    shape: (
      <>
        <circle cx="11" cy="11" r="8" />
        <line x1="21" y1="21" x2="16.65" y2="16.65" />
      </>
    ),
  },
  bug: {
    label: 'Issue',
    shape: (
      <>
        <rect x="8" y="6" width="8" height="14" rx="4" />
        <path d="M12 11v9M8 11H4M20 11h-4M8 15H3M21 15h-5M8.5 19 5 21M15.5 19l3.5 2M9.5 3.5 11 6M14.5 3.5 13 6" />
      </>
    ),
  },
  clock: {
    label: 'Overdue',
    shape: (
      <>
        <circle cx="12" cy="12" r="10" />
        <polyline points="12 6 12 12 16 14" />
      </>
    ),
  },
  lock: {
    label: 'Closed',
    shape: (
      <>
        <rect x="3" y="11" width="18" height="11" rx="2" ry="2" />
        <path d="M7 11V7a5 5 0 0 1 10 0v4" />
      </>
    ),
  },
  at: {
    label: 'Mention',
    shape: (
      <>
        <circle cx="12" cy="12" r="4" />
        <path d="M16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-3.92 7.94" />
      </>
    ),
  },
  code: {
    label: 'Code review',
    shape: (
      <>
        <polyline points="16 18 22 12 16 6" />
        <polyline points="8 6 2 12 8 18" />
      </>
    ),
  },
  eye: {
    label: 'Review',
    shape: (
      <>
        <path d="M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8z" />
        <circle cx="12" cy="12" r="3" />
      </>
    ),
  },
  alert: {
    label: 'Warning',
    shape: (
      <>
        <path d="M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z" />
        <line x1="12" y1="9" x2="12" y2="13" />
        <line x1="12" y1="17" x2="12.01" y2="17" />
      </>
    ),
  },
  shield: {
    label: 'Risk acceptance',
    shape: <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" />,
  },
  mail: {
    label: 'Mail',
    shape: (
      <>
        <path d="M4 4h16c1.1 0 2 .9 2 2v12c0 1.1-.9 2-2 2H4c-1.1 0-2-.9-2-2V6c0-1.1.9-2 2-2z" />
        <polyline points="22,6 12,13 2,6" />
      </>
    ),
  },
  slack: {
    label: 'Slack',
    shape: <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />,
  },
  msteams: {
    label: 'Microsoft Teams',
    shape: (
      <>
        <path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2" />
        <circle cx="9" cy="7" r="4" />
        <path d="M23 21v-2a4 4 0 0 0-3-3.87" />
        <path d="M16 3.13a4 4 0 0 1 0 7.75" />
      </>
    ),
  },
  webhooks: {
    label: 'Webhook',
    shape: (
      <>
        <path d="M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71" />
        <path d="M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71" />
      </>
    ),
  },
  check: { label: 'Done', shape: <polyline points="20 6 9 17 4 12" /> },
  info: {
    label: 'Information',
    shape: (
      <>
        <circle cx="12" cy="12" r="10" />
        <line x1="12" y1="16" x2="12" y2="12" />
        <line x1="12" y1="8" x2="12.01" y2="8" />
      </>
    ),
  },
  user: {
    label: 'User',
    shape: (
      <>
        <path d="M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2" />
        <circle cx="12" cy="7" r="4" />
      </>
    ),
  },
  'chevron-down': { label: 'Open', shape: <polyline points="6 9 12 15 18 9" /> },
  menu: {
    label: 'Menu',
    shape: (
      <>
        <line x1="3" y1="6" x2="21" y2="6" />
        <line x1="3" y1="12" x2="21" y2="12" />
        <line x1="3" y1="18" x2="21" y2="18" />
      </>
    ),
  },
  close: {
    label: 'Close',
    shape: (
      <>
        <line x1="18" y1="6" x2="6" y2="18" />
        <line x1="6" y1="6" x2="18" y2="18" />
      </>
    ),
  },
  settings: {
    label: 'Settings',
    shape: (
      <>
        <circle cx="12" cy="12" r="3" />
        <path d="M12 1v3M12 20v3M4.22 4.22l2.12 2.12M17.66 17.66l2.12 2.12M1 12h3M20 12h3M4.22 19.78l2.12-2.12M17.66 6.34l2.12-2.12" />
      </>
    ),
  },
};

export function isIconName(name: string): name is TIconName {
  return Object.hasOwn(SHAPES, name);
}

/** The spoken name of an icon ("Scan"); unknown names are a notification bell. */
export function getIconLabel(name: string): string {
  return SHAPES[isIconName(name) ? name : 'bell'].label;
}

type TIconProps = {
  name: string;
  /** Overrides the spoken name. */
  label?: string;
  /** Purely decorative (text next to it says the same): hidden from assistive technology. */
  isDecorative?: boolean;
  className?: string;
};

export function Icon({ name, label, isDecorative = false, className }: TIconProps) {
  const icon = SHAPES[isIconName(name) ? name : 'bell'];
  const spoken = label ?? icon.label;
  const svg = (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {icon.shape}
    </svg>
  );
  const classes = className ? `icon ${className}` : 'icon';
  if (isDecorative) {
    return (
      <span className={classes} aria-hidden="true">
        {svg}
      </span>
    );
  }
  return (
    <span role="img" aria-label={spoken} title={spoken} className={classes}>
      {svg}
    </span>
  );
}
