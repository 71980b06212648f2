// `npm run demo`: install, build the SPA, and start Tocsin on one port with a migrated, seeded SQLite file.
import path from 'node:path';
import { installDependencies, pnpm, root } from './lib.mjs';

installDependencies();
if (pnpm(['--filter', '@tocsin/web', 'build']) !== 0) process.exit(1);
const status = pnpm(['--filter', '@tocsin/bff', 'start'], {
  env: {
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    WEB_DIST: process.env.WEB_DIST ?? path.join(root, 'apps/web/dist'),
    DATABASE_PATH: process.env.DATABASE_PATH ?? path.join(root, 'data/tocsin.db'),
  },
});
process.exit(status);
