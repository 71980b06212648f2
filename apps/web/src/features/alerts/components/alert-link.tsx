import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { isInternalPath, toSafeHref } from '../../../lib/urls';

/** A link to where an alert points: site paths through the router, http(s) URLs as plain links. */
export function AlertLink({ url, children, onNavigate }: { url: string; children: ReactNode; onNavigate?: () => void }) {
  const href = toSafeHref(url);
  if (!href) return <span>{children}</span>;
  if (isInternalPath(href)) {
    return (
      <Link to={href} onClick={onNavigate}>
        {children}
      </Link>
    );
  }
  return (
    <a href={href} onClick={onNavigate} rel="noopener noreferrer">
      {children}
    </a>
  );
}
