import { zodResolver } from '@hookform/resolvers/zod';
import { type TUser, ZUpdateProfileBody } from '@tocsin/contract/auth';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useProfile } from '../api/get-profile';
import { useUpdateProfile } from '../api/update-profile';

export function ProfileSection() {
  const profile = useProfile();
  if (profile.isPending) return <p role="status">Loading your profile…</p>;
  if (profile.isError) return <ErrorMessage>{getErrorMessage(profile.error)}</ErrorMessage>;
  return <ProfileForm user={profile.data} />;
}

const toValues = (user: TUser) => ({
  first_name: user.first_name,
  last_name: user.last_name,
  email: user.email,
  slack_email: user.slack_email ?? '',
});

function ProfileForm({ user }: { user: TUser }) {
  const id = useId();
  const update = useUpdateProfile();
  const form = useForm({ resolver: zodResolver(ZUpdateProfileBody), defaultValues: toValues(user) });
  const onEdit = { onChange: () => update.reset() };

  return (
    <Form
      form={form}
      error={update.error}
      className="stack"
      aria-label="Profile"
      onSubmit={(body) =>
        // An empty Slack email clears it: personal Slack notifications stop.
        update.mutate({ ...body, slack_email: body.slack_email || null }, { onSuccess: (saved) => form.reset(toValues(saved)) })
      }
    >
      <section aria-labelledby={`${id}-account`} className="card stack">
        <h2 id={`${id}-account`}>Account</h2>
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input id={`${id}-username`} value={user.username} readOnly aria-describedby={`${id}-username-help`} />
          <span id={`${id}-username-help`} className="field-hint">
            Your username cannot be changed.
          </span>
        </div>
        <div className="field-row">
          <TextField name="first_name" label="First name" maxLength={150} autoComplete="given-name" registerOptions={onEdit} />
          <TextField name="last_name" label="Last name" maxLength={150} autoComplete="family-name" registerOptions={onEdit} />
        </div>
        <TextField
          name="email"
          label="Email"
          type="email"
          maxLength={254}
          autoComplete="email"
          hint="Personal mail notifications are sent to this address."
          registerOptions={onEdit}
        />
      </section>
      <section aria-labelledby={`${id}-contact`} className="card stack">
        <h2 id={`${id}-contact`}>Additional Contact Information</h2>
        <TextField
          name="slack_email"
          label="Slack Email Address"
          type="email"
          maxLength={254}
          hint="Personal Slack notifications are sent as direct messages to the Slack user with this email address."
          registerOptions={onEdit}
        />
      </section>
      <div className="form-actions">
        <SubmitButton isPending={update.isPending} pendingLabel="Saving…">
          Save profile
        </SubmitButton>
      </div>
      <FormError />
      {update.isSuccess && <SuccessMessage>Profile saved.</SuccessMessage>}
    </Form>
  );
}
