import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../shared/worker-thread';
import type { ExportJob, ExportReport, FromExportWorker } from './export-kinds';

/**
 * Runs export builds in worker threads (node:worker_threads), so making dozens of Office files never holds up a
 * request. One build at a time per process (the others wait in line): a build is all CPU, and two at once on a small
 * machine would only each take twice as long while taking both cores from the requests. Each build has its own
 * worker, ended when it finishes: the Office libraries' memory goes back as soon as the file is written.
 *
 * The worker is export-worker.js beside this file once built, or export-worker.ts under ts-jest
 * (src/shared/worker-thread.ts says how).
 */

/** A build past this is stopped (the worker terminated) and reported as failed. */
export const EXPORT_TIMEOUT_MS = 5 * 60_000;
/** Memory one build may use; past it the worker dies and the build fails, not the server. */
const HEAP_MB = 1024;
const STARTUP_MS = 60_000;

export type ExportProgress = (done: number, total: number) => void;

export interface ExportRunner {
  /** Runs one build: resolves with its report once the file is written, rejects when it failed. */
  run(job: ExportJob, onProgress: ExportProgress): Promise<ExportReport>;
  /** Stops every build running or waiting (shutdown, tests). */
  close(): Promise<void>;
}

export class ExportFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFailedError';
  }
}

function runInWorker(
  job: ExportJob,
  onProgress: ExportProgress,
  timeoutMs: number,
  live: Set<Worker>,
): Promise<ExportReport> {
  return new Promise<ExportReport>((resolve, reject) => {
    const worker = startModuleWorker(__dirname, 'export-worker', {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    // a build never keeps the process alive by itself: on shutdown its partial file is left for the next sweep
    worker.unref();
    live.add(worker);
    let settled = false;
    const end = (err: Error | null, report?: ExportReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      live.delete(worker);
      void worker.terminate().catch(() => undefined);
      if (err) reject(err);
      else resolve(report!);
    };
    let timer = setTimeout(
      () => end(new ExportFailedError('the export worker did not start in time')),
      STARTUP_MS,
    );
    worker.once('online', () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          end(
            new ExportFailedError(
              `the export took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`,
            ),
          ),
        timeoutMs,
      );
    });
    worker.on('message', (msg: FromExportWorker) => {
      if (msg.type === 'progress') onProgress(msg.done, msg.total);
      else if (msg.type === 'done') end(null, msg.report);
      else end(new ExportFailedError(`the export failed in its worker: ${msg.message}`));
    });
    worker.on('error', (err: Error & { code?: string }) =>
      end(
        new ExportFailedError(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the export needed more than ${HEAP_MB} MB of memory`
            : err.message,
        ),
      ),
    );
    worker.on('exit', (code) => end(new ExportFailedError(`the export worker stopped (exit code ${code})`)));
    worker.postMessage(job);
  });
}

/**
 * The runner the service uses: builds in worker threads, one after another. `timeoutMs` bounds each build from the
 * moment its worker is running (not while it waits in line).
 */
export function workerExportRunner(timeoutMs = EXPORT_TIMEOUT_MS): ExportRunner {
  let line: Promise<unknown> = Promise.resolve();
  let closed = false;
  const live = new Set<Worker>();
  return {
    run(job, onProgress) {
      const run = line.then(() => {
        if (closed) throw new ExportFailedError('the server is stopping');
        return runInWorker(job, onProgress, timeoutMs, live);
      });
      line = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await Promise.all([...live].map((w) => w.terminate().catch(() => undefined)));
    },
  };
}
