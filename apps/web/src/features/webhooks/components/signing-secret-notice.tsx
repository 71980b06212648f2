import { useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';

/**
 * A signing secret Tocsin just generated, shown this once (the API never returns it again): with a copy button,
 * and focus on it so nobody misses it. Dismissed by the person, never on its own.
 */
export function SigningSecretNotice({ webhookName, secret, onDismiss }: { webhookName: string; secret: string; onDismiss: () => void }) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => headingRef.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  return (
    <section className="callout stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        Signing secret of {webhookName}
      </h2>
      <p>
        Copy it now into the receiver: it is not shown again. Verify requests with a Standard Webhooks library (
        <code>webhook-signature</code>) or with <code>X-Tocsin-Signature</code>.
      </p>
      <label htmlFor={`${id}-secret`}>Signing secret</label>
      <input id={`${id}-secret`} className="monospace" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy signing secret
        </button>
        <button type="button" className="button" onClick={onDismiss}>
          I have copied it
        </button>
      </div>
      {copyState === 'copied' && <SuccessMessage>Signing secret copied to the clipboard.</SuccessMessage>}
      {copyState === 'failed' && <ErrorMessage>The browser did not allow copying. Select the secret and copy it.</ErrorMessage>}
    </section>
  );
}
