import type { TDeliveryDetail } from '@tocsin/contract/deliveries';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useRetryDelivery } from '../api/retry-delivery';

function describeRetry(delivery: TDeliveryDetail): { isOk: boolean; text: string } {
  if (delivery.status === 'sent') return { isOk: true, text: delivery.note ?? 'Sent.' };
  if (delivery.status === 'failed') return { isOk: false, text: `Failed again: ${delivery.last_error ?? 'no reason given'}` };
  return { isOk: true, text: 'Queued: it is being sent again now.' };
}

/**
 * "Retry now": a failed delivery goes back in the queue (a fresh attempt budget), a retrying one is sent now
 * instead of at its retry time. The outcome shows inline; a refusal (a deactivated webhook, 409) shows the
 * server's words as an error, never as "Queued". In a table row (`isInRow`) the button reads "Retry" and is
 * named after its row ("Retry delivery 42"), so a list of them is not a list of identical buttons.
 */
export function RetryDeliveryButton({
  deliveryId,
  onRetry,
  isInRow = false,
  isRetrying = false,
}: {
  deliveryId: number;
  /**
   * Called on the click, before the answer: a row keeps its button (and so the outcome beside it) although the
   * refreshed list no longer shows the delivery as retryable. Waiting for the answer would be too late: the list
   * refreshes first, and the button would be gone before it could say what happened.
   */
  onRetry?: () => void;
  isInRow?: boolean;
  /** The delivery waits for a retry: the button sends it now. */
  isRetrying?: boolean;
}) {
  const retry = useRetryDelivery();
  const outcome = retry.isSuccess ? describeRetry(retry.data) : null;
  const label = isInRow ? 'Retry' : isRetrying ? 'Send now' : 'Retry now';
  return (
    <div className="stack">
      <button
        type="button"
        className="button button-small"
        disabled={retry.isPending}
        aria-busy={retry.isPending}
        aria-label={isInRow && !retry.isPending ? `Retry delivery ${deliveryId}` : undefined}
        title={isRetrying ? 'Send it now instead of waiting for its retry time' : undefined}
        onClick={() => {
          onRetry?.();
          retry.mutate(deliveryId);
        }}
      >
        {retry.isPending ? 'Retrying…' : label}
      </button>
      {outcome && (outcome.isOk ? <SuccessMessage>{outcome.text}</SuccessMessage> : <ErrorMessage>{outcome.text}</ErrorMessage>)}
      {retry.isError && <ErrorMessage>{getErrorMessage(retry.error)}</ErrorMessage>}
    </div>
  );
}
