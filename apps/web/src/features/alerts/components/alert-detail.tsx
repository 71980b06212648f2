/**
 * One alert in full: where it points, what it is about, when it came and who raised it ("Raised by alice via
 * token 'GitLab CI'", or Tocsin for its own jobs). Every value is text from the server, shown as text; the
 * description is the same sanitised markdown as on the Alerts page.
 */
import type { TAlert } from '@tocsin/contract/alerts';
import { findEventInfo } from '@tocsin/contract/catalogue';
import { Link } from 'react-router-dom';
import { Icon } from '../../../components/icon';
import { Markdown } from '../../../components/markdown';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';
import { formatExactTime } from '../../../lib/relative-time';
import { AlertLink } from './alert-link';

export function AlertDetail({ alert }: { alert: TAlert }) {
  return (
    <div className="stack">
      <p className="raised-by-line">
        <Icon name={alert.icon} isDecorative /> {alert.source} · Raised by {alert.raised_by}
        {alert.is_new && <span className="new-mark">New</span>}
      </p>
      <dl className="details">
        <dt>Event</dt>
        <dd>{alert.event ? findEventInfo(alert.event).label : alert.source}</dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime value={alert.created} /> ({formatExactTime(new Date(alert.created))})
        </dd>
        {alert.coalesced_count > 0 && (
          <>
            <dt>Repeats</dt>
            <dd>
              and {alert.coalesced_count} more like this: first seen <RelativeTime value={alert.first_seen} /> (
              {formatExactTime(new Date(alert.first_seen))}), last seen <RelativeTime value={alert.last_seen} /> (
              {formatExactTime(new Date(alert.last_seen))})
            </dd>
          </>
        )}
        <dt>Link</dt>
        <dd>
          <AlertLink url={alert.url}>Open the link</AlertLink>
        </dd>
        {alert.product_id !== null && (
          <>
            <dt>Product</dt>
            <dd>
              <Link to={paths.products.detail.getHref(alert.product_id)}>Product {alert.product_id}</Link>
            </dd>
          </>
        )}
      </dl>
      {alert.description ? (
        <section aria-labelledby="alert-description-heading">
          <h2 id="alert-description-heading">Description</h2>
          <Markdown>{alert.description}</Markdown>
        </section>
      ) : (
        <p className="muted">No description.</p>
      )}
    </div>
  );
}
