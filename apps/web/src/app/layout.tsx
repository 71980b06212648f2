/**
 * The logged-in frame of every page: top bar with the bell, the sidebar navigation, and the page.
 * Without a session it sends the visitor to the login page, remembering where they were going.
 */
import { Navigate, NavLink, Outlet, useLocation, useNavigation } from 'react-router-dom';
import { Icon } from '../components/icon';
import { ErrorMessage } from '../components/messages';
import { PageLoading } from '../components/page-loading';
import { paths } from '../config/paths';
import { useAlertStream } from '../features/alerts/api/stream-alerts';
import { AlertsBell } from '../features/alerts/components/alerts-bell';
import { getErrorMessage } from '../lib/api-client';
import { useLogout, useSession } from '../lib/auth';

export function AppLayout() {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return <PageLoading />;
  }
  if (session.isError) {
    return (
      <main className="centered-page">
        <ErrorMessage>{getErrorMessage(session.error)}</ErrorMessage>
        <button type="button" className="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  if (!session.data) {
    return <Navigate to={paths.login.getHref(location.pathname + location.search)} replace />;
  }
  return <LoggedInLayout username={session.data.user.username} isSuperuser={session.data.user.is_superuser} />;
}

function LoggedInLayout({ username, isSuperuser }: { username: string; isSuperuser: boolean }) {
  useAlertStream();
  const navigation = useNavigation();
  const logout = useLogout();

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to={paths.home.getHref()} className="brand">
          <Icon name="bell" isDecorative className="brand-icon" /> Tocsin
        </NavLink>
        <div className="topbar-actions">
          <AlertsBell />
          <NavLink to={paths.profile.getHref()} className="topbar-user" title="Your profile">
            <Icon name="user" isDecorative /> {username}
          </NavLink>
        </div>
      </header>
      {navigation.state === 'loading' && <div className="route-progress" aria-hidden="true" />}
      <div className="app-body">
        <nav className="sidebar" aria-label="Main">
          <ul>
            <li>
              <NavLink to={paths.alerts.getHref()}>Alerts</NavLink>
            </li>
            <li>
              <NavLink to={paths.products.getHref()}>Products</NavLink>
            </li>
            <li>
              <NavLink to={paths.productTypes.getHref()}>Product Types</NavLink>
            </li>
          </ul>
          <p className="sidebar-heading" id="nav-configuration">
            <Icon name="settings" isDecorative /> Configuration
          </p>
          <ul aria-labelledby="nav-configuration">
            <li>
              <NavLink to={paths.notifications.getHref()}>Notifications</NavLink>
            </li>
            {isSuperuser && (
              <>
                <li>
                  <NavLink to={paths.users.getHref()}>Users</NavLink>
                </li>
                <li>
                  <NavLink to={paths.systemSettings.getHref()}>System Settings</NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to={paths.webhooks.getHref()}>Webhooks</NavLink>
            </li>
            <li>
              <NavLink to={paths.deliveries.getHref()}>Delivery Log</NavLink>
            </li>
          </ul>
          <ul className="sidebar-footer">
            <li>
              <NavLink to={paths.profile.getHref()}>Profile</NavLink>
            </li>
            <li>
              <button type="button" className="nav-button" disabled={logout.isPending} onClick={() => logout.mutate()}>
                Log out
              </button>
            </li>
          </ul>
          {logout.isError && <ErrorMessage>{getErrorMessage(logout.error)}</ErrorMessage>}
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
