import { defineConfig } from 'drizzle-kit';

/** PostgreSQL: the same tables as schema.ts (parity is tested in db/schema-parity.test.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.pg.ts',
  out: './src/db/migrations/pg',
});
