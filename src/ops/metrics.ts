import fs from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine, PoolStats } from '../db/ports';

/** Upper bounds of the latency histogram, in seconds (Prometheus convention). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ObservedRequest {
  method: string;
  /** The route pattern (never the raw path, so ids do not explode the label set). */
  route: string;
  status: number;
  seconds: number;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** What the metrics read of the database. */
export interface DatabaseGauges {
  engine: Engine;
  stats(): PoolStats;
}

/**
 * Prometheus metrics through prom-client: requests, latency, the connection pool (or SQLite's write lock), the SQLite
 * file's size, and the default process metrics.
 */
export function createMetrics(db: DatabaseGauges, dbFile: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'packway_' });
  const requests = new Counter({
    name: 'packway_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'packway_http_request_duration_seconds',
    help: 'Time to answer a request, by route.',
    labelNames: ['route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'packway_database_size_bytes',
    help: 'Size of the SQLite database file and its write-ahead log.',
    labelNames: ['file'] as const,
    registers: [registry],
    collect() {
      if (db.engine !== 'sqlite') return;
      this.set({ file: 'db' }, fileSize(dbFile));
      this.set({ file: 'wal' }, fileSize(`${dbFile}-wal`));
    },
  });
  new Gauge({
    name: 'packway_db_pool_connections',
    help: 'Database connections by state (open, idle, max) and requests waiting for one (on SQLite: for the write lock).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = db.stats();
      this.set({ state: 'open' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
      this.set({ state: 'max' }, s.max);
    },
  });

  const jobs = new Counter({
    name: 'packway_jobs_total',
    help: 'Background jobs this instance ran, by kind and how they ended (done, failed, lease_lost).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });

  return {
    jobEnded(kind: string, outcome: string): void {
      jobs.inc({ kind, outcome });
    },
    observe(r: ObservedRequest): void {
      requests.inc({ method: r.method, route: r.route, status: String(r.status) });
      latency.observe({ route: r.route }, r.seconds);
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
