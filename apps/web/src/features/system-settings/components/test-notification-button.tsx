import type { TTestChannel } from '@tocsin/contract/system-settings';
import { useId } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useSendTestNotification } from '../api/send-test-notification';

/**
 * "Send test notification": a real message sent now with the saved settings. The outcome shows next to
 * the button: role="status" when the provider accepted it, role="alert" with the provider's error otherwise.
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
          aria-describedby={disabledReason ? hintId : undefined}
          onClick={() => send.mutate(channel)}
        >
          {send.isPending ? 'Sending…' : 'Send test notification'}
        </button>
        {disabledReason && (
          <span id={hintId} className="field-hint">
            {disabledReason}
          </span>
        )}
      </div>
      {send.isSuccess &&
        (send.data.ok ? <SuccessMessage>{send.data.message}</SuccessMessage> : <ErrorMessage>{send.data.message}</ErrorMessage>)}
      {send.isError && <ErrorMessage>{getErrorMessage(send.error)}</ErrorMessage>}
    </div>
  );
}
