import type { TTestChannel } from '@tocsin/contract/system-settings';
import { useId } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useSendTestNotification } from '../api/send-test-notification';

/** Said next to every test button: the test never uses what is typed but not saved. */
export const USES_SAVED_SETTINGS = 'Sends a real message now, using the saved settings.';

/**
 * "Send test notification": a real message sent now with the saved settings (the BFF reads them; nothing
 * typed on the page goes with it), which the hint next to the button says in so many words. The outcome
 * shows next to the button: role="status" when the provider accepted it, role="alert" with the error otherwise.
 */
export function TestNotificationButton({ channel, disabledReason }: { channel: TTestChannel; disabledReason?: string | null }) {
  const hintId = useId();
  const send = useSendTestNotification();
  const isDisabled = send.isPending || Boolean(disabledReason);
  return (
    <div className="stack">
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={isDisabled}
          aria-busy={send.isPending}
          aria-describedby={hintId}
          onClick={() => send.mutate(channel)}
        >
          {send.isPending ? 'Sending…' : 'Send test notification'}
        </button>
        <span id={hintId} className="field-hint">
          {disabledReason ?? USES_SAVED_SETTINGS}
        </span>
      </div>
      {send.isSuccess &&
        (send.data.ok ? <SuccessMessage>{send.data.message}</SuccessMessage> : <ErrorMessage>{send.data.message}</ErrorMessage>)}
      {send.isError && <ErrorMessage>{getErrorMessage(send.error)}</ErrorMessage>}
    </div>
  );
}
