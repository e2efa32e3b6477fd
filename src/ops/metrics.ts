import fs from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

/** Prometheus metrics through prom-client: requests, latency, database size, and the default process metrics. */
export function createMetrics(dbFile: string) {
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
      this.set({ file: 'db' }, fileSize(dbFile));
      this.set({ file: 'wal' }, fileSize(`${dbFile}-wal`));
    },
  });

  return {
    observe(r: ObservedRequest): void {
      requests.inc({ method: r.method, route: r.route, status: String(r.status) });
      latency.observe({ route: r.route }, r.seconds);
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
