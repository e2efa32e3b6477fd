import fs from 'node:fs';
import type { Request, Response } from 'express';

/** Upper bounds of the latency histogram, in seconds (Prometheus convention). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Request counts by route and status and a latency histogram by route, in Prometheus text format. */
export function createMetrics(dbFile: string) {
  const requests = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  const startedAt = Date.now();

  /** The route pattern, never the raw path, so ids do not explode the label set. */
  function routeOf(req: Request): string {
    // baseUrl is reset once the request leaves its router (errors end at the app), so the API prefix comes from the URL
    if (req.route?.path) return `${req.originalUrl.startsWith('/api/v1/') ? '/api/v1' : ''}${String(req.route.path)}`;
    if (req.path.startsWith('/static/') || req.path.startsWith('/assets/')) return 'static';
    return 'unmatched';
  }

  function observe(req: Request, res: Response, seconds: number): void {
    const route = routeOf(req);
    const key = `${req.method}\u0000${route}\u0000${res.statusCode}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    let h = latency.get(route);
    if (!h) latency.set(route, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

  function fileSize(file: string): number {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  }

  function render(): string {
    const lines: string[] = [];
    lines.push('# HELP packway_http_requests_total HTTP requests answered, by method, route and status.');
    lines.push('# TYPE packway_http_requests_total counter');
    for (const [key, n] of requests) {
      const [method, route, status] = key.split('\u0000');
      lines.push(`packway_http_requests_total{method="${method}",route="${label(route)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP packway_http_request_duration_seconds Time to answer a request, by route.');
    lines.push('# TYPE packway_http_request_duration_seconds histogram');
    for (const [route, h] of latency) {
      const r = label(route);
      BUCKETS.forEach((le, i) => lines.push(`packway_http_request_duration_seconds_bucket{route="${r}",le="${le}"} ${h.counts[i]}`));
      lines.push(`packway_http_request_duration_seconds_bucket{route="${r}",le="+Inf"} ${h.count}`);
      lines.push(`packway_http_request_duration_seconds_sum{route="${r}"} ${h.sum.toFixed(6)}`);
      lines.push(`packway_http_request_duration_seconds_count{route="${r}"} ${h.count}`);
    }
    lines.push('# HELP packway_database_size_bytes Size of the SQLite database file and its write-ahead log.');
    lines.push('# TYPE packway_database_size_bytes gauge');
    lines.push(`packway_database_size_bytes{file="db"} ${fileSize(dbFile)}`);
    lines.push(`packway_database_size_bytes{file="wal"} ${fileSize(`${dbFile}-wal`)}`);
    const mem = process.memoryUsage();
    lines.push('# HELP packway_process_resident_memory_bytes Resident memory of the server process.');
    lines.push('# TYPE packway_process_resident_memory_bytes gauge');
    lines.push(`packway_process_resident_memory_bytes ${mem.rss}`);
    lines.push('# HELP packway_process_uptime_seconds Seconds since the server started.');
    lines.push('# TYPE packway_process_uptime_seconds gauge');
    lines.push(`packway_process_uptime_seconds ${Math.round((Date.now() - startedAt) / 1000)}`);
    return `${lines.join('\n')}\n`;
  }

  return { observe, render };
}

export type Metrics = ReturnType<typeof createMetrics>;
