/**
 * The "Notifications" section of a product page: the caller's personal channels for events about
 * this one product (Alert, Mail, Slack as the server offers them; never Teams).
 */
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useEffectiveNotifications } from '../api/get-effective-notifications';
import { useProductNotifications } from '../api/get-product-notifications';
import { useUpdateProductNotifications } from '../api/update-product-notifications';
import { findInheritedCells } from '../utils/inherited';
import { SettingsEditor } from './settings-editor';

export function ProductNotifications({ productId, productName }: { productId: number; productName: string }) {
  const settings = useProductNotifications(productId);
  const update = useUpdateProductNotifications();
  // What already reaches me about this product from the system or my personal record: checked, marked, not editable here.
  const effective = useEffectiveNotifications(productId);
  const inherited = effective.data ? findInheritedCells(effective.data, 'product') : undefined;

  return (
    <section aria-labelledby="product-notifications-heading" className="stack">
      <h2 id="product-notifications-heading">Notifications</h2>
      <p className="muted">
        Your personal notifications for activity on {productName}, in addition to your personal and the system-wide ones. Boxes marked “from
        System settings” or “from your personal settings” reach you already and are changed where they come from.
      </p>
      {effective.data?.product && !effective.data.product.can_view && (
        <p className="message message-warning">You cannot view {productName}, so its events will not reach you.</p>
      )}
      {settings.isPending && <p role="status">Loading notification settings…</p>}
      {settings.isError && <ErrorMessage>{getErrorMessage(settings.error)}</ErrorMessage>}
      {settings.data && (
        <SettingsEditor
          key={productId}
          inherited={inherited}
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
