import { SLACK_APP_MANIFEST } from '@tocsin/contract/system-settings';
import { useId, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';

const MANIFEST_TEXT = JSON.stringify(SLACK_APP_MANIFEST, null, 2);

/** The App Manifest to paste into Slack's "Create New App → From App Manifest", with a copy button. */
export function SlackAppManifest() {
  const id = useId();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(MANIFEST_TEXT);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  return (
    <div className="stack">
      <h3 id={`${id}-heading`}>Slack App Manifest</h3>
      <p id={`${id}-help`} className="field-hint">
        Create the Slack app at api.slack.com/apps: <strong>Create New App</strong>, <strong>From App Manifest</strong>, choose your
        workspace and paste this manifest. Install it to your workspace, then copy its <strong>Bot User OAuth Token</strong> into the Slack
        token field.
      </p>
      <pre className="code-block">{MANIFEST_TEXT}</pre>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy manifest
        </button>
      </div>
      {copyState === 'copied' && <SuccessMessage>Manifest copied to the clipboard.</SuccessMessage>}
      {copyState === 'failed' && <ErrorMessage>The browser did not allow copying. Select the manifest text and copy it.</ErrorMessage>}
    </div>
  );
}
