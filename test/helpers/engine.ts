import crypto from 'node:crypto';
import pg from 'pg';
import type { Engine } from '../../src/db/ports';

/** Which engine this jest project runs on (jest.config.js sets it per project). */
export const ENGINE: Engine = process.env.PACKWAY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const onSqlite = ENGINE === 'sqlite';
export const onPostgres = ENGINE === 'postgres';

/** `it` on SQLite only: for what only a file database has (its file, WAL, a full disk under it). */
export const itOnSqlite = onSqlite ? it : it.skip;
/** `it` on PostgreSQL only: several instances over one server. */
export const itOnPostgres = onPostgres ? it : it.skip;
export const describeOnPostgres = onPostgres ? describe : describe.skip;

/** The test cluster's admin URL (test/global-setup.js starts the cluster). */
export function clusterUrl(): string {
  const url = process.env.PACKWAY_TEST_PG_URL;
  if (!url) throw new Error('PACKWAY_TEST_PG_URL is not set: the PostgreSQL cluster was not started');
  return url;
}

/** A fresh, empty database on the test cluster; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `packway_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase (its connections closed first). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
