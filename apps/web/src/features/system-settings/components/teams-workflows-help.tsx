/**
 * How to make the Teams Workflows webhook Tocsin posts to: Office 365 connectors are retired, and a Workflows
 * trigger takes the same Adaptive Card message. Kept open-able next to the field, like the Slack manifest.
 */
export function TeamsWorkflowsHelp() {
  return (
    <details className="stack">
      <summary>How to get a Teams Workflows webhook URL</summary>
      <ol className="field-hint">
        <li>
          In Teams, open the channel, choose <strong>⋯ › Workflows</strong> and pick the template{' '}
          <strong>Post to a channel when a webhook request is received</strong> (or build a flow from the trigger{' '}
          <strong>When a Teams webhook request is received</strong> and the action <strong>Post card in a chat or channel</strong>).
        </li>
        <li>
          Let <strong>anyone</strong> trigger it, choose the team and channel, and save.
        </li>
        <li>
          Copy the URL the trigger shows (it ends in <code>&amp;sig=…</code>) into the field above, save, and send a test. Teams answers
          “202 Accepted” and posts the card a moment later; the delivery log records it as accepted by Teams.
        </li>
      </ol>
      <p className="field-hint">Old Office 365 connector URLs (…webhook.office.com) are retired by Microsoft and stop working.</p>
    </details>
  );
}
