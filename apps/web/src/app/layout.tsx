/**
 * The logged-in frame of every page: top bar with the bell, the navigation (a sidebar on wide screens,
 * a menu behind a button on phones), the page, and the one unsaved-changes guard.
 * Without a session it sends the visitor to the login page, remembering where they were going.
 */
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigation } from 'react-router-dom';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Icon } from '../components/icon';
import { ErrorMessage } from '../components/messages';
import { PageLoading } from '../components/page-loading';
import { paths } from '../config/paths';
import { useAlertStream } from '../features/alerts/api/stream-alerts';
import { AlertsBell } from '../features/alerts/components/alerts-bell';
import { usePendingReviewCount } from '../features/findings/api/get-my-reviews';
import { useHasUnsavedChanges, useUnsavedChangesGuard } from '../hooks/use-unsaved-changes';
import { getErrorMessage } from '../lib/api-client';
import { useLogout, useSession } from '../lib/auth';
import { UNSAVED_CHANGES_MESSAGE } from '../lib/unsaved-changes';

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

const NAV_ID = 'main-navigation';

/** "My reviews", with how many wait for the caller ("My reviews 2 pending" to a screen reader). */
function MyReviewsLink() {
  const pending = usePendingReviewCount();
  const count = pending.data ?? 0;
  return (
    <NavLink to={paths.reviews.getHref()}>
      My reviews
      {count > 0 && (
        <>
          {' '}
          <span className="nav-count">
            {count > 99 ? '99+' : count}
            <span className="visually-hidden"> pending</span>
          </span>
        </>
      )}
    </NavLink>
  );
}

function LoggedInLayout({ username, isSuperuser }: { username: string; isSuperuser: boolean }) {
  useAlertStream();
  const navigation = useNavigation();
  const location = useLocation();
  const logout = useLogout();
  const blocker = useUnsavedChangesGuard();
  const hasUnsavedChanges = useHasUnsavedChanges();
  const [isLogoutConfirmOpen, setIsLogoutConfirmOpen] = useState(false);
  const [isMenuOpen, setIsMenuOpen] = useState(false);
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const navRef = useRef<HTMLElement>(null);

  // Following a link closes the phone menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: close whenever the address changes.
  useEffect(() => {
    setIsMenuOpen(false);
  }, [location.pathname, location.search]);

  useEffect(() => {
    if (!isMenuOpen) return;
    // Into the menu, where the person is going next.
    navRef.current?.querySelector<HTMLElement>('a[href], button:not([disabled])')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target;
      if (!(target instanceof Node)) return;
      if (navRef.current?.contains(target) || menuButtonRef.current?.contains(target)) return;
      setIsMenuOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [isMenuOpen]);

  const onNavKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || !isMenuOpen) return;
    event.preventDefault();
    setIsMenuOpen(false);
    menuButtonRef.current?.focus();
  };

  const requestLogout = () => {
    if (hasUnsavedChanges) setIsLogoutConfirmOpen(true);
    else logout.mutate();
  };

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButtonRef}
          type="button"
          className="menu-button"
          aria-expanded={isMenuOpen}
          aria-controls={NAV_ID}
          onClick={() => setIsMenuOpen((open) => !open)}
          onKeyDown={onNavKeyDown}
        >
          <Icon name={isMenuOpen ? 'close' : 'menu'} isDecorative /> Menu
        </button>
        <NavLink to={paths.home.getHref()} className="brand">
          <Icon name="bell" isDecorative className="brand-icon" /> Tocsin
        </NavLink>
        <div className="topbar-actions">
          <AlertsBell />
          <NavLink to={paths.profile.getHref()} className="topbar-user" aria-label={`Your profile (${username})`}>
            <Icon name="user" isDecorative /> <span className="topbar-user-name">{username}</span>
          </NavLink>
        </div>
      </header>
      {navigation.state === 'loading' && <div className="route-progress" aria-hidden="true" />}
      <div className="app-body">
        {/* Escape closes the phone menu from anywhere inside it; tabbing out of it closes it too, so focus never goes on behind it. */}
        <nav
          ref={navRef}
          id={NAV_ID}
          className={isMenuOpen ? 'sidebar is-open' : 'sidebar'}
          aria-label="Main"
          onKeyDown={onNavKeyDown}
          onBlur={(event) => {
            const next = event.relatedTarget;
            if (isMenuOpen && next instanceof Node && !navRef.current?.contains(next) && !menuButtonRef.current?.contains(next)) {
              setIsMenuOpen(false);
            }
          }}
        >
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
            <li>
              <MyReviewsLink />
            </li>
          </ul>
          <p className="sidebar-heading" id="nav-configuration">
            <Icon name="settings" isDecorative /> Configuration
          </p>
          <ul aria-labelledby="nav-configuration">
            <li>
              <NavLink to={paths.notifications.getHref()}>Notifications</NavLink>
            </li>
            <li>
              <NavLink to={paths.rules.getHref()}>Rules</NavLink>
            </li>
            {isSuperuser && (
              <>
                <li>
                  <NavLink to={paths.users.getHref()}>Users</NavLink>
                </li>
                <li>
                  <NavLink to={paths.systemSettings.getHref()}>System Settings</NavLink>
                </li>
                <li>
                  <NavLink to={paths.notificationTemplate.getHref()}>Notification Template</NavLink>
                </li>
                <li>
                  <NavLink to={paths.destinations.getHref()}>Destinations</NavLink>
                </li>
                <li>
                  <NavLink to={paths.slaConfigurations.getHref()}>SLA Configurations</NavLink>
                </li>
                <li>
                  <NavLink to={paths.jobs.getHref()}>Jobs</NavLink>
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
              <button type="button" className="nav-button" disabled={logout.isPending} onClick={requestLogout}>
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

      <ConfirmDialog
        isOpen={blocker.state === 'blocked'}
        title="Unsaved changes"
        confirmLabel="Leave without saving"
        cancelLabel="Stay on this page"
        onConfirm={() => blocker.proceed?.()}
        onCancel={() => blocker.reset?.()}
      >
        <p>{UNSAVED_CHANGES_MESSAGE}</p>
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={isLogoutConfirmOpen}
        title="Unsaved changes"
        confirmLabel="Log out without saving"
        cancelLabel="Stay on this page"
        isPending={logout.isPending}
        onConfirm={() => logout.mutate(undefined, { onSettled: () => setIsLogoutConfirmOpen(false) })}
        onCancel={() => setIsLogoutConfirmOpen(false)}
      >
        <p>You have unsaved changes. Log out without saving them?</p>
      </ConfirmDialog>
    </div>
  );
}
