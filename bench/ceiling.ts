import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The ceiling: Node's bare http server answering the exact bytes of the module page. */
const body = fs.readFileSync(process.argv[2]);
const contentType = process.argv[3] ?? 'text/html; charset=utf-8';
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
