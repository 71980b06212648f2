import type { TDeliveryDetail } from '@tocsin/contract/deliveries';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useRetryDelivery } from '../api/retry-delivery';

function describeRetry(delivery: TDeliveryDetail): { isOk: boolean; text: string } {
  if (delivery.status === 'sent') return { isOk: true, text: 'Sent.' };
  if (delivery.status === 'failed') return { isOk: false, text: `Failed again: ${delivery.last_error ?? 'no reason given'}` };
  return { isOk: true, text: 'Queued: it is being sent again now.' };
}

/**
 * Retry a failed delivery, with the outcome inline. In a table row (`isInRow`) the button reads "Retry" and
 * is named after its row ("Retry delivery 42"), so a list of them is not a list of identical buttons.
 */
export function RetryDeliveryButton({
  deliveryId,
  onRetried,
  isInRow = false,
}: {
  deliveryId: number;
  onRetried?: () => void;
  isInRow?: boolean;
}) {
  const retry = useRetryDelivery();
  const outcome = retry.isSuccess ? describeRetry(retry.data) : null;
  return (
    <div className="stack">
      <button
        type="button"
        className="button button-small"
        disabled={retry.isPending}
        aria-busy={retry.isPending}
        aria-label={isInRow && !retry.isPending ? `Retry delivery ${deliveryId}` : undefined}
        onClick={() => retry.mutate(deliveryId, { onSuccess: () => onRetried?.() })}
      >
        {retry.isPending ? 'Retrying…' : isInRow ? 'Retry' : 'Retry now'}
      </button>
      {outcome && (outcome.isOk ? <SuccessMessage>{outcome.text}</SuccessMessage> : <ErrorMessage>{outcome.text}</ErrorMessage>)}
      {retry.isError && <ErrorMessage>{getErrorMessage(retry.error)}</ErrorMessage>}
    </div>
  );
}
