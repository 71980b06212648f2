import type { TUser } from '@tocsin/contract/auth';
import { type FormEvent, useId, useState } from 'react';
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

function ProfileForm({ user }: { user: TUser }) {
  const id = useId();
  const update = useUpdateProfile();
  const [firstName, setFirstName] = useState(user.first_name);
  const [lastName, setLastName] = useState(user.last_name);
  const [email, setEmail] = useState(user.email);
  const [slackEmail, setSlackEmail] = useState(user.slack_email ?? '');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // An empty Slack email clears it: personal Slack notifications stop.
    update.mutate({ first_name: firstName, last_name: lastName, email, slack_email: slackEmail.trim() || null });
  };
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      update.reset();
      set(v);
    };

  return (
    <form onSubmit={onSubmit} className="stack">
      <section aria-labelledby={`${id}-account`} className="card stack">
        <h2 id={`${id}-account`}>Account</h2>
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input id={`${id}-username`} value={user.username} readOnly aria-describedby={`${id}-username-help`} />
          <span id={`${id}-username-help`} className="muted">
            Your username cannot be changed.
          </span>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-first`}>First name</label>
            <input id={`${id}-first`} value={firstName} onChange={(e) => edited(setFirstName)(e.currentTarget.value)} maxLength={150} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-last`}>Last name</label>
            <input id={`${id}-last`} value={lastName} onChange={(e) => edited(setLastName)(e.currentTarget.value)} maxLength={150} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            value={email}
            onChange={(e) => edited(setEmail)(e.currentTarget.value)}
            required
            maxLength={254}
            aria-describedby={`${id}-email-help`}
          />
          <span id={`${id}-email-help`} className="muted">
            Personal mail notifications are sent to this address.
          </span>
        </div>
      </section>
      <section aria-labelledby={`${id}-contact`} className="card stack">
        <h2 id={`${id}-contact`}>Additional Contact Information</h2>
        <div className="field">
          <label htmlFor={`${id}-slack`}>Slack Email Address</label>
          <input
            id={`${id}-slack`}
            type="email"
            value={slackEmail}
            onChange={(e) => edited(setSlackEmail)(e.currentTarget.value)}
            maxLength={254}
            aria-describedby={`${id}-slack-help`}
          />
          <span id={`${id}-slack-help`} className="muted">
            Personal Slack notifications are sent as direct messages to the Slack user with this email address.
          </span>
        </div>
      </section>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save profile'}
        </button>
      </div>
      {update.isError && <ErrorMessage>{getErrorMessage(update.error)}</ErrorMessage>}
      {update.isSuccess && <SuccessMessage>Profile saved.</SuccessMessage>}
    </form>
  );
}
