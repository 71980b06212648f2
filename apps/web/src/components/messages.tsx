import type { ReactNode } from 'react';

/** An error the person must notice: announced at once by screen readers. */
export function ErrorMessage({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p className="message message-error" role="alert" id={id}>
      {children}
    </p>
  );
}

/** A success note ("Saved."), announced politely. */
export function SuccessMessage({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p className="message message-success" role="status" id={id}>
      {children}
    </p>
  );
}
