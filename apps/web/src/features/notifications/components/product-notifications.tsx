/**
 * The "Notifications" section of a product page: the caller's personal channels for events about
 * this one product (Alert, Mail, Slack as the server offers them; never Teams).
 */
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useProductNotifications } from '../api/get-product-notifications';
import { useUpdateProductNotifications } from '../api/update-product-notifications';
import { SettingsEditor } from './settings-editor';

export function ProductNotifications({ productId, productName }: { productId: number; productName: string }) {
  const settings = useProductNotifications(productId);
  const update = useUpdateProductNotifications();

  return (
    <section aria-labelledby="product-notifications-heading" className="stack">
      <h2 id="product-notifications-heading">Notifications</h2>
      <p className="muted">
        Your personal notifications for activity on {productName}, in addition to your personal and the system-wide ones.
      </p>
      {settings.isPending && <p role="status">Loading notification settings…</p>}
      {settings.isError && <ErrorMessage>{getErrorMessage(settings.error)}</ErrorMessage>}
      {settings.data && (
        <SettingsEditor
          key={productId}
          record={settings.data}
          caption={`Notifications for ${productName}`}
          successMessage="Notification settings updated."
          isSaving={update.isPending}
          save={(body) => update.mutateAsync({ productId, body })}
        />
      )}
    </section>
  );
}
