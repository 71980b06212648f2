import { defineConfig } from 'drizzle-kit';

/** SQLite (the embedded default). PostgreSQL has its own config: drizzle.pg.config.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './src/db/migrations/sqlite',
});
