import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths';

/** How each channel is named in a sentence: its name, and where its notifications go. */
const WORDS: Record<TExternalChannel, { name: string; to: string }> = {
  mail: { name: 'Email', to: 'by email' },
  slack: { name: 'Slack', to: 'to Slack' },
  msteams: { name: 'Microsoft Teams', to: 'to Microsoft Teams' },
  webhooks: { name: 'Webhooks', to: 'to the system webhooks' },
};

/**
 * Under an enabled channel: how many events of the System notifications matrix it carries, with a link to
 * the matrix. A channel switched on with no event routed to it sends nothing system-wide, which is easy to
 * miss: that case is a warning. A channel switched off says nothing here (the matrix says it instead).
 */
export function ChannelRoutingNotice({ channel, isEnabled, count }: { channel: TExternalChannel; isEnabled: boolean; count: number }) {
  if (!isEnabled) return null;
  const { name, to } = WORDS[channel];
  const matrix = <Link to={paths.notifications.getHref('system')}>System notifications matrix</Link>;
  if (count === 0) {
    return (
      <p className="message message-warning">
        {name} is on, but no event is sent {to} yet: choose events in the {matrix}.
      </p>
    );
  }
  return (
    <p className="field-hint">
      {count === 1 ? '1 event' : `${count} events`} of the {matrix} {count === 1 ? 'is' : 'are'} sent {to}.
    </p>
  );
}
