import { useQueryClient } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import type { TProduct, TProductType } from '@tocsin/contract/products';
import type { TRule } from '@tocsin/contract/rules';
import { useId, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { Tabs } from '../../components/tabs';
import { paths } from '../../config/paths';
import { useUserEffectiveNotifications } from '../../features/notification-admin/api/get-user-effective-notifications';
import {
  getUserNotificationChangesQueryOptions,
  useUserNotificationChanges,
} from '../../features/notification-admin/api/get-user-notification-changes';
import { useUserNotificationSettings } from '../../features/notification-admin/api/get-user-notification-settings';
import { useUserProductNotificationSettings } from '../../features/notification-admin/api/get-user-product-notification-settings';
import { useUpdateUserNotificationSettings } from '../../features/notification-admin/api/update-user-notification-settings';
import { useUpdateUserProductNotificationSettings } from '../../features/notification-admin/api/update-user-product-notification-settings';
import { DeliveryTiming } from '../../features/notification-admin/components/delivery-timing';
import { EffectiveNotificationsTable } from '../../features/notification-admin/components/effective-notifications-table';
import { NotificationChangeList } from '../../features/notification-admin/components/notification-change-list';
import { SettingsEditor } from '../../features/notifications/components/settings-editor';
import { findInheritedCells } from '../../features/notifications/utils/inherited';
import { useProductTypes } from '../../features/product-types/api/get-product-types';
import { useProducts } from '../../features/products/api/get-products';
import { useRules } from '../../features/rules/api/get-rules';
import { RuleEditor } from '../../features/rules/components/rule-editor';
import { RulesTable } from '../../features/rules/components/rules-table';
import { useMemberships } from '../../features/users/api/get-memberships';
import { useUserDetail } from '../../features/users/api/get-user';
import { EditUserForm } from '../../features/users/components/edit-user-form';
import { MembershipsEditor } from '../../features/users/components/memberships-editor';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const me = useUser();
  const userId = parseId(useParams().id);
  useDocumentTitle('User');
  if (!me.is_superuser) {
    return (
      <section>
        <h1>User</h1>
        <ErrorMessage>You do not have permission to view this page.</ErrorMessage>
      </section>
    );
  }
  if (userId === null) return <UserNotFound />;
  return <UserPage userId={userId} />;
}

const USER_TABS = [
  { key: 'account', label: 'Account' },
  { key: 'notifications', label: 'Notification settings' },
] as const;
type TUserTab = (typeof USER_TABS)[number]['key'];

function UserPage({ userId }: { userId: number }) {
  const user = useUserDetail(userId);
  const productTypes = useProductTypes();
  const products = useProducts();
  const [params, setParams] = useSearchParams();
  const tab: TUserTab = params.get('tab') === 'notifications' ? 'notifications' : 'account';
  const selectTab = (next: TUserTab) => setParams(next === 'account' ? {} : { tab: next }, { replace: true });

  if (user.isPending) return <p role="status">Loading the user…</p>;
  if (user.isError && user.error instanceof ApiError && user.error.status === 404) return <UserNotFound />;
  if (user.isError) return <ErrorMessage>{getErrorMessage(user.error)}</ErrorMessage>;

  return (
    <article>
      <p>
        <Link to={paths.users.getHref()}>Users</Link>
      </p>
      <h1>{user.data.username}</h1>
      <Tabs label="User" tabs={USER_TABS} selected={tab} onSelect={selectTab}>
        {productTypes.isError && <ErrorMessage>{getErrorMessage(productTypes.error)}</ErrorMessage>}
        {products.isError && <ErrorMessage>{getErrorMessage(products.error)}</ErrorMessage>}
        {tab === 'account' ? (
          <>
            {/* Remount when another user is shown, so the form starts from that user's values. */}
            <EditUserForm key={user.data.id} user={user.data} />
            <MembershipsEditor userId={userId} productTypes={productTypes.data ?? []} products={products.data ?? []} />
          </>
        ) : (
          <UserNotifications key={user.data.id} user={user.data} products={products.data ?? []} productTypes={productTypes.data ?? []} />
        )}
      </Tabs>
    </article>
  );
}

function UserNotFound() {
  return (
    <section>
      <h1>User not found.</h1>
      <p>
        <Link to={paths.users.getHref()}>Back to users</Link>
      </p>
    </section>
  );
}

/**
 * A superuser's view of another user's notifications: what they effectively receive and why, their personal record
 * and their record for one product (edited here; each change is recorded and shown to them), and the history of
 * changes others made.
 */
function UserNotifications({
  user,
  products,
  productTypes,
}: {
  user: TUser;
  products: readonly TProduct[];
  productTypes: readonly TProductType[];
}) {
  const id = useId();
  const [productId, setProductId] = useState<number | null>(null);
  const effective = useUserEffectiveNotifications(user.id);
  const record = useUserNotificationSettings(user.id);
  const update = useUpdateUserNotificationSettings();
  const changes = useUserNotificationChanges(user.id);
  const inherited = effective.data ? findInheritedCells(effective.data, 'personal') : undefined;

  return (
    <div className="stack">
      <section aria-labelledby={`${id}-personal`} className="stack">
        <h2 id={`${id}-personal`}>Personal notifications</h2>
        <p className="muted">
          Changes you save here are recorded and shown to {user.username} on their Notifications page. Boxes marked “from System settings”
          reach them already.
        </p>
        {record.isError && <ErrorMessage>{getErrorMessage(record.error)}</ErrorMessage>}
        {record.data && (
          <SettingsEditor
            record={record.data}
            caption={`Personal notifications of ${user.username}`}
            successMessage={`Saved. ${user.username} will see that you changed their settings.`}
            isSaving={update.isPending}
            inherited={inherited}
            save={(body) => update.mutateAsync({ userId: user.id, body })}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-effective`} className="stack">
        <h2 id={`${id}-effective`}>What {user.username} receives</h2>
        {effective.isError && <ErrorMessage>{getErrorMessage(effective.error)}</ErrorMessage>}
        {effective.data && (
          <>
            <EffectiveNotificationsTable effective={effective.data} caption={`What ${user.username} receives, per event and channel`} />
            <DeliveryTiming delivery={effective.data.delivery} heading={`When messages to ${user.username} go out`} />
          </>
        )}
      </section>

      <UserRules user={user} products={products} productTypes={productTypes} />

      <section aria-labelledby={`${id}-product`} className="stack">
        <h2 id={`${id}-product`}>Notifications for one product</h2>
        <div className="field field-narrow">
          <label htmlFor={`${id}-product-select`}>Product</label>
          <select
            id={`${id}-product-select`}
            value={productId ?? ''}
            onChange={(e) => setProductId(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">Choose a product…</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {productId !== null && <UserProductNotifications key={productId} user={user} productId={productId} />}
      </section>

      <section aria-labelledby={`${id}-history`} className="stack">
        <h2 id={`${id}-history`}>Changes made by others</h2>
        {changes.isError && <ErrorMessage>{getErrorMessage(changes.error)}</ErrorMessage>}
        {changes.data && <NotificationChangeList sets={changes.data.items} />}
      </section>
    </div>
  );
}

/**
 * The user's personal rules, edited with the same editor as the Rules page; the preview counts what the user may
 * see, and the choices offer only the products and product types they may see (the server checks it too). Each
 * change is recorded and shown to them.
 */
function UserRules({
  user,
  products,
  productTypes,
}: {
  user: TUser;
  products: readonly TProduct[];
  productTypes: readonly TProductType[];
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const rules = useRules('personal', { userId: user.id });
  const memberships = useMemberships(user.id);
  const [editing, setEditing] = useState<TRule | null>(null);
  const onChanged = () => void queryClient.invalidateQueries({ queryKey: getUserNotificationChangesQueryOptions(user.id).queryKey });
  const seesAll = user.is_superuser || user.global_role !== null;
  const typeIds = new Set((memberships.data?.product_types ?? []).map((m) => m.id));
  const productIds = new Set((memberships.data?.products ?? []).map((m) => m.id));
  const productOptions = products
    .filter((p) => seesAll || productIds.has(p.id) || typeIds.has(p.product_type_id))
    .map((p) => ({ id: p.id, name: p.name }));
  const typeOptions = productTypes.filter((t) => seesAll || typeIds.has(t.id)).map((t) => ({ id: t.id, name: t.name }));
  const owner = { id: user.id, username: user.username };
  const props = { scope: 'personal' as const, owner, onChanged, productTypes: typeOptions, products: productOptions, destinations: [] };
  return (
    <section aria-labelledby={`${id}-rules`} className="stack">
      <h2 id={`${id}-rules`}>Rules of {user.username}</h2>
      <p className="muted">
        A rule adds channels for the events that match it, on top of {user.username}’s personal settings; they only ever hear about products
        they may see. Changes you make here are recorded and shown to {user.username}.
      </p>
      {rules.isPending && <p role="status">Loading rules…</p>}
      {rules.isError && <ErrorMessage>{getErrorMessage(rules.error)}</ErrorMessage>}
      {memberships.isError && <ErrorMessage>{getErrorMessage(memberships.error)}</ErrorMessage>}
      {rules.data && <RulesTable {...props} rules={rules.data.items} onEdit={setEditing} />}
      {editing && <RuleEditor key={editing.id} {...props} rule={editing} onDone={() => setEditing(null)} />}
      <RuleEditor {...props} />
    </section>
  );
}

function UserProductNotifications({ user, productId }: { user: TUser; productId: number }) {
  const effective = useUserEffectiveNotifications(user.id, productId);
  const record = useUserProductNotificationSettings(user.id, productId);
  const update = useUpdateUserProductNotificationSettings();
  const inherited = effective.data ? findInheritedCells(effective.data, 'product') : undefined;
  const canView = effective.data?.product?.can_view ?? true;
  return (
    <div className="stack">
      {effective.isError && <ErrorMessage>{getErrorMessage(effective.error)}</ErrorMessage>}
      {record.isError && <ErrorMessage>{getErrorMessage(record.error)}</ErrorMessage>}
      {record.data && canView && (
        <SettingsEditor
          record={record.data}
          caption={`Notifications of ${user.username} for this product`}
          successMessage={`Saved. ${user.username} will see that you changed their settings.`}
          isSaving={update.isPending}
          inherited={inherited}
          save={(body) => update.mutateAsync({ userId: user.id, productId, body })}
        />
      )}
      {effective.data && (
        <EffectiveNotificationsTable effective={effective.data} caption={`What ${user.username} receives about this product`} />
      )}
    </div>
  );
}
