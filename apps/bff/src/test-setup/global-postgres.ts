/**
 * Vitest global setup for a PostgreSQL run: migrate a template database once, hand its name to the tests
 * (inject('pgTemplate')), and drop it at the end. Does nothing on a SQLite run.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openPostgresDatabase } from '../db/postgres';
import { databaseUrl, withAdminClient } from './postgres';

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return;
  const template = `tocsin_tpl_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (c) => c.query(`create database ${template}`));
  const handle = await openPostgresDatabase(databaseUrl(adminUrl, template), { max: 1 });
  await handle.db.close();
  project.provide('pgTemplate', template);
  return async () => {
    await withAdminClient(adminUrl, (c) => c.query(`drop database if exists ${template} with (force)`));
  };
}
