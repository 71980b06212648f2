/**
 * All routes, as one flat list. Each page is a lazy module in ./routes/ that exports `Component`
 * (React Router's lazy-route convention). To add a page: create ./routes/<name>.tsx and add one line
 * to the children of the logged-in layout below, using its entry in config/paths.ts.
 */
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { PageLoading } from '../components/page-loading';
import { RouteError } from '../components/route-error';
import { paths } from '../config/paths';
import { AppLayout } from './layout';

const router = createBrowserRouter([
  { path: paths.login.path, lazy: () => import('./routes/login'), errorElement: <RouteError />, hydrateFallbackElement: <PageLoading /> },
  {
    path: paths.home.path,
    element: <AppLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      { index: true, element: <Navigate to={paths.alerts.getHref()} replace /> },
      { path: paths.alerts.path, lazy: () => import('./routes/alerts') },
      { path: paths.alerts.detail.path, lazy: () => import('./routes/alert') },
      { path: paths.notifications.path, lazy: () => import('./routes/notifications') },
      { path: paths.notificationTemplate.path, lazy: () => import('./routes/notification-template') },
      { path: paths.products.path, lazy: () => import('./routes/products') },
      { path: paths.products.detail.path, lazy: () => import('./routes/product') },
      { path: paths.products.findings.path, lazy: () => import('./routes/product-findings') },
      { path: paths.riskAcceptances.detail.path, lazy: () => import('./routes/risk-acceptance') },
      { path: paths.tests.detail.path, lazy: () => import('./routes/test') },
      { path: paths.engagements.detail.path, lazy: () => import('./routes/engagement') },
      { path: paths.reviews.path, lazy: () => import('./routes/reviews') },
      { path: paths.findings.detail.path, lazy: () => import('./routes/finding') },
      { path: paths.slaConfigurations.path, lazy: () => import('./routes/sla-configurations') },
      { path: paths.jobs.path, lazy: () => import('./routes/jobs') },
      { path: paths.productTypes.path, lazy: () => import('./routes/product-types') },
      { path: paths.productTypes.detail.path, lazy: () => import('./routes/product-type') },
      { path: paths.users.path, lazy: () => import('./routes/users') },
      { path: paths.users.detail.path, lazy: () => import('./routes/user') },
      { path: paths.profile.path, lazy: () => import('./routes/profile') },
      { path: paths.systemSettings.path, lazy: () => import('./routes/system-settings') },
      { path: paths.webhooks.path, lazy: () => import('./routes/webhooks') },
      { path: paths.deliveries.path, lazy: () => import('./routes/deliveries') },
      { path: paths.rules.path, lazy: () => import('./routes/rules') },
      { path: paths.destinations.path, lazy: () => import('./routes/destinations') },
      { path: paths.deliveries.detail.path, lazy: () => import('./routes/delivery') },
      { path: '*', lazy: () => import('./routes/not-found') },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
