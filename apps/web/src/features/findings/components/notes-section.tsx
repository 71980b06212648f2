/**
 * Notes on a finding or an engagement: who wrote each and when, editing one's own, and a new note with
 * @ mentions. What a person wrote is shown as text, never as markup. After a save the answer's mention
 * report says who was notified and, inline, who was not and why. A link to #note-<id> scrolls to that
 * note and highlights it.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type TCreateNoteBody, ZCreateNoteBody, ZEditNoteBody } from '@tocsin/contract/findings';
import type { TMentionReport, TNote } from '@tocsin/contract/findings-api';
import { useEffect, useId, useState } from 'react';
import { useController, useForm, useFormContext } from 'react-hook-form';
import { useLocation } from 'react-router-dom';
import { CheckboxField, Field, FormError, SubmitButton } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { useCreateNote } from '../api/create-note';
import { useEditNote } from '../api/edit-note';
import { type TNoteTarget, useNotes } from '../api/get-notes';
import { MentionTextarea } from './mention-textarea';

export function MentionReport({ report }: { report: TMentionReport }) {
  if (report.notified.length === 0 && report.not_notified.length === 0) return null;
  return (
    <div className="mention-report" role="status">
      {report.notified.length > 0 && <p>Notified: {report.notified.map((u) => `@${u}`).join(', ')}.</p>}
      {report.not_notified.length > 0 && (
        <>
          <p className="text-warning">Not notified:</p>
          <ul>
            {report.not_notified.map((n) => (
              <li key={n.username}>
                <strong>@{n.username}</strong>: {n.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The note text box of the surrounding <Form>, with its label, error and the @ autocomplete. */
function NoteEntryField({ target, label, isPrivate = false }: { target: TNoteTarget; label: string; isPrivate?: boolean }) {
  const { control } = useFormContext<{ entry: string }>();
  const { field } = useController({ control, name: 'entry' });
  return (
    <Field name="entry" label={label} hint="Type @ to mention someone who may see this.">
      {(controlProps) => (
        <MentionTextarea
          {...controlProps}
          target={target}
          isPrivate={isPrivate}
          name={field.name}
          rows={4}
          value={field.value}
          onValueChange={field.onChange}
          onBlur={field.onBlur}
        />
      )}
    </Field>
  );
}

function AddNoteForm({ target, canWritePrivate }: { target: TNoteTarget; canWritePrivate: boolean }) {
  const id = useId();
  const create = useCreateNote();
  const form = useForm<TCreateNoteBody, unknown, TCreateNoteBody>({
    resolver: zodResolver(ZCreateNoteBody) as never,
    defaultValues: { entry: '', is_private: false },
  });
  const isPrivate = form.watch('is_private') ?? false;
  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate({ target, body }, { onSuccess: () => form.reset({ entry: '', is_private: body.is_private }) })}
    >
      <h3 id={`${id}-heading`}>Add note</h3>
      <NoteEntryField target={target} label="Note" isPrivate={isPrivate} />
      {canWritePrivate && <CheckboxField name="is_private" label="Private (only its author and superusers see it)" />}
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
          Add note
        </SubmitButton>
      </div>
      <FormError />
      {create.isSuccess && (
        <>
          <p className="message message-success" role="status">
            Note added.
          </p>
          <MentionReport report={create.data.mentions} />
        </>
      )}
    </Form>
  );
}

function EditNoteForm({ note, target, onDone }: { note: TNote; target: TNoteTarget; onDone: (report: TMentionReport) => void }) {
  const edit = useEditNote();
  const form = useForm<{ entry: string }>({ resolver: zodResolver(ZEditNoteBody), defaultValues: { entry: note.entry } });
  return (
    <Form
      form={form}
      error={edit.error}
      className="stack"
      aria-label={`Edit note ${note.id}`}
      onSubmit={(body) => edit.mutate({ noteId: note.id, target, body }, { onSuccess: (result) => onDone(result.mentions) })}
    >
      <NoteEntryField target={target} label="Edit note" isPrivate={note.is_private} />
      <div className="form-actions">
        <SubmitButton isPending={edit.isPending} pendingLabel="Saving…">
          Save note
        </SubmitButton>
        <button type="button" className="button" onClick={() => onDone({ notified: [], not_notified: [] })}>
          Cancel
        </button>
      </div>
      <FormError />
    </Form>
  );
}

function NoteItem({ note, target, isHighlighted }: { note: TNote; target: TNoteTarget; isHighlighted: boolean }) {
  const [isEditing, setIsEditing] = useState(false);
  const [report, setReport] = useState<TMentionReport | null>(null);
  const author = note.author ? note.author.username : 'A deleted user';
  return (
    <li
      id={`note-${note.id}`}
      tabIndex={-1}
      className={isHighlighted ? 'note is-highlighted' : 'note'}
      aria-current={isHighlighted ? 'true' : undefined}
    >
      <p className="note-meta">
        <strong>{author}</strong> · <RelativeTime value={note.created_at} />
        {note.edited_at && (
          <>
            {' '}
            · edited <RelativeTime value={note.edited_at} />
          </>
        )}
        {note.is_private && <span className="badge badge-status"> Private</span>}
      </p>
      {isEditing ? (
        <EditNoteForm
          note={note}
          target={target}
          onDone={(result) => {
            setIsEditing(false);
            setReport(result);
          }}
        />
      ) : (
        <>
          <p className="note-entry">{note.entry}</p>
          {note.can_edit && (
            <button type="button" className="button button-small" aria-label={`Edit note ${note.id}`} onClick={() => setIsEditing(true)}>
              Edit
            </button>
          )}
        </>
      )}
      {report && <MentionReport report={report} />}
    </li>
  );
}

export function NotesSection({
  target,
  heading = 'Notes',
  canWritePrivate = false,
}: {
  target: TNoteTarget;
  heading?: string;
  canWritePrivate?: boolean;
}) {
  const id = useId();
  const notes = useNotes(target);
  const { hash } = useLocation();
  const highlighted = /^#note-(\d+)$/.exec(hash)?.[1];
  const isLoaded = notes.isSuccess;

  // Once the notes are on the page, bring the linked one into view and move focus to it.
  useEffect(() => {
    if (!isLoaded || !highlighted) return;
    const element = document.getElementById(`note-${highlighted}`);
    element?.scrollIntoView?.({ block: 'center' });
    element?.focus({ preventScroll: true });
  }, [isLoaded, highlighted]);

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {notes.isPending && <p role="status">Loading notes…</p>}
      {notes.isError && <ErrorMessage>{getErrorMessage(notes.error)}</ErrorMessage>}
      {notes.isSuccess &&
        (notes.data.items.length === 0 ? (
          <p>No notes yet.</p>
        ) : (
          <ol className="notes">
            {notes.data.items.map((note) => (
              <NoteItem key={note.id} note={note} target={target} isHighlighted={highlighted === String(note.id)} />
            ))}
          </ol>
        ))}
      <AddNoteForm target={target} canWritePrivate={canWritePrivate} />
    </section>
  );
}
