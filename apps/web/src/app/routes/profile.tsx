import { ApiTokens } from '../../features/profile/components/api-tokens';
import { ChangePasswordForm } from '../../features/profile/components/change-password-form';
import { ProfileSection } from '../../features/profile/components/profile-form';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function Component() {
  useDocumentTitle('Profile');
  return (
    <section>
      <h1>Profile</h1>
      <ProfileSection />
      <ChangePasswordForm />
      <ApiTokens />
    </section>
  );
}
