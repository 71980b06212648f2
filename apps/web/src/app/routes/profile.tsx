import { DeliveryPreferencesSection } from '../../features/digests/components/delivery-preferences-form';
import { ApiTokens } from '../../features/profile/components/api-tokens';
import { ChangePasswordForm } from '../../features/profile/components/change-password-form';
import { IntegrationTokens } from '../../features/profile/components/integration-tokens';
import { ProfileSection } from '../../features/profile/components/profile-form';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Profile');
  const user = useUser();
  return (
    <section>
      <h1>Profile</h1>
      <ProfileSection />
      <DeliveryPreferencesSection />
      <ChangePasswordForm />
      <ApiTokens />
      {user.is_superuser && <IntegrationTokens currentUser={user} />}
    </section>
  );
}
