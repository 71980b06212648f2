import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

/** Shown when a page fails to load or throws while rendering. */
export function RouteError() {
  const error = useRouteError();
  let message = 'This page failed to load. Reload to try again.';
  if (isRouteErrorResponse(error)) message = `${error.status} ${error.statusText}`;
  else if (error instanceof Error && error.message) message = error.message;
  return (
    <main className="centered-page">
      <h1>Something went wrong</h1>
      <p className="message message-error" role="alert">
        {message}
      </p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </main>
  );
}
