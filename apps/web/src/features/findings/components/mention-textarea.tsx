/**
 * The note box with @ autocomplete: an ARIA 1.2 combobox over a textarea. Typing @ and some letters lists the
 * people who may see the finding or engagement (the BFF's mentionable list); Up and Down move through them,
 * Enter picks one, Escape closes the list. Focus stays in the textarea throughout (aria-activedescendant).
 */
import type { TPersonRef } from '@tocsin/contract/findings-api';
import { type KeyboardEvent, type TextareaHTMLAttributes, useEffect, useId, useRef, useState } from 'react';
import { useMentionable } from '../api/get-mentionable';
import type { TNoteTarget } from '../api/get-notes';
import { findMentionQuery, insertMention } from '../utils/mentions';

type TMentionTextareaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'role'> & {
  target: TNoteTarget;
  value: string;
  onValueChange: (value: string) => void;
  isPrivate?: boolean;
};

export function MentionTextarea({ target, value, onValueChange, isPrivate = false, onKeyDown, ...textarea }: TMentionTextareaProps) {
  const id = useId();
  const listId = `${id}-people`;
  const ref = useRef<HTMLTextAreaElement | null>(null);
  const [caret, setCaret] = useState(0);
  const [activeIndex, setActiveIndex] = useState(0);
  // Escape closes the list for the mention being typed; a new @ opens it again.
  const [dismissedStart, setDismissedStart] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const mention = findMentionQuery(value, caret);
  const isActive = mention !== null && mention.start !== dismissedStart;
  const people = useMentionable({ target, q: mention?.query ?? '', isPrivate, enabled: isActive });
  const options: TPersonRef[] = isActive ? (people.data?.items ?? []) : [];
  const isOpen = isActive && options.length > 0;
  const active = isOpen ? options[Math.min(activeIndex, options.length - 1)] : undefined;
  const optionId = (person: TPersonRef) => `${id}-person-${person.id}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts at the first person.
  useEffect(() => setActiveIndex(0), [mention?.query, mention?.start]);

  useEffect(() => {
    if (pendingCaret.current === null || !ref.current) return;
    ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });

  const pick = (person: TPersonRef) => {
    if (!mention) return;
    const next = insertMention(value, mention, caret, person.username);
    pendingCaret.current = next.caret;
    setCaret(next.caret);
    onValueChange(next.text);
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isOpen) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        setActiveIndex((i) => (i + 1) % options.length);
        return;
      }
      if (event.key === 'ArrowUp') {
        event.preventDefault();
        setActiveIndex((i) => (i - 1 + options.length) % options.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && active) {
        event.preventDefault();
        pick(active);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissedStart(mention?.start ?? null);
        return;
      }
    }
    onKeyDown?.(event);
  };

  const syncCaret = () => setCaret(ref.current?.selectionStart ?? 0);

  return (
    <div className="mention-box">
      <textarea
        {...textarea}
        ref={(node) => {
          ref.current = node;
        }}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={isOpen}
        aria-controls={listId}
        aria-activedescendant={active ? optionId(active) : undefined}
        value={value}
        onChange={(e) => {
          onValueChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={handleKeyDown}
        onKeyUp={(e) => {
          if (e.key.startsWith('Arrow') && !isOpen) syncCaret();
          if (e.key === 'Home' || e.key === 'End') syncCaret();
        }}
        onClick={syncCaret}
        onBlur={(e) => {
          setDismissedStart(mention?.start ?? null);
          textarea.onBlur?.(e);
        }}
        onFocus={() => setDismissedStart(null)}
      />
      <div id={listId} role="listbox" aria-label="People to mention" className="mention-list" hidden={!isOpen}>
        {options.map((person) => (
          <div
            key={person.id}
            id={optionId(person)}
            role="option"
            // Focus stays in the textarea (aria-activedescendant); the option is focusable only by script.
            tabIndex={-1}
            aria-selected={person.id === active?.id}
            className={person.id === active?.id ? 'mention-option is-active' : 'mention-option'}
            // Keep focus in the textarea: pick on mouse down, before it would blur.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(person);
            }}
          >
            <span className="mention-username">@{person.username}</span>
            {person.name && person.name !== person.username && <span className="muted"> {person.name}</span>}
          </div>
        ))}
      </div>
    </div>
  );
}
