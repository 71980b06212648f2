import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { getLinkTarget } from '../../../lib/urls';

/**
 * A link to where an alert points. Paths and URLs on this app's own origin stay in the app (router
 * navigation, same tab); other http(s) pages open in a new tab without handing them this page
 * (noopener noreferrer), and show their host so the reader knows where they are going.
 */
export function AlertLink({
  url,
  children,
  onNavigate,
  isHostShown = true,
  className,
}: {
  url: string;
  children: ReactNode;
  onNavigate?: () => void;
  /** Off where the caller shows the host itself (see getAlertHost). */
  isHostShown?: boolean;
  className?: string;
}) {
  const target = getLinkTarget(url, window.location.origin);
  if (!target) return <span className={className}>{children}</span>;
  if (target.kind === 'in-app') {
    return (
      <Link to={target.path} onClick={onNavigate} className={className}>
        {children}
      </Link>
    );
  }
  return (
    <a href={target.href} target="_blank" rel="noopener noreferrer" onClick={onNavigate} className={className}>
      {children}
      {isHostShown && <ExternalHost host={target.host} />}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

/** The host of an alert's external link, or null for links that stay in the app. */
export function getAlertHost(url: string): string | null {
  const target = getLinkTarget(url, window.location.origin);
  return target?.kind === 'external' ? target.host : null;
}

export function ExternalHost({ host }: { host: string }) {
  return (
    <span className="external-host">
      {' '}
      {host}
      <span aria-hidden="true"> ↗</span>
    </span>
  );
}
