import { Navigate, useSearchParams } from 'react-router-dom';
import { toSafeNextPath } from '../../config/paths';
import { LoginForm } from '../../features/auth/components/login-form';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useSession } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Log in');
  const [searchParams] = useSearchParams();
  const next = toSafeNextPath(searchParams.get('next'));
  const session = useSession();

  if (session.data) return <Navigate to={next} replace />;
  return (
    <main className="login-page">
      <LoginForm next={next} />
    </main>
  );
}
