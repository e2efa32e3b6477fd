#!/usr/bin/env node
// Start a throwaway PostgreSQL cluster, print its URL, and stop (and delete) it on SIGINT/SIGTERM.
//   node test/helpers/pg-cluster-cli.js      ->  postgres://postgres@127.0.0.1:PORT/postgres
'use strict';
const { setInterval } = require('node:timers');
const { startCluster } = require('./pg-cluster');

startCluster().then(
  (cluster) => {
    process.stdout.write(`${cluster.url}\n`);
    const shutdown = () => {
      cluster.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    process.on('SIGHUP', shutdown);
    setInterval(() => {}, 1 << 30); // keep running until signalled
  },
  (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
