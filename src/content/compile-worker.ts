/**
 * Worker-thread entry for compiling variants (see compile-pool.ts). Announces itself with `{ type: 'ready' }`,
 * then answers each `{ id, base, overlay }` with `{ type: 'done', id, result }` or `{ type: 'failed', id, message }`.
 * Maps, arrays and plain objects survive the structured clone of postMessage; the main thread freezes the pack again.
 */
import { parentPort } from 'node:worker_threads';
import { compileVariant, type FileMap } from './compile';

export interface CompileJob {
  id: number;
  base: FileMap;
  overlay: FileMap;
}

const port = parentPort;
if (port) {
  port.on('message', (job: CompileJob) => {
    try {
      port.postMessage({ type: 'done', id: job.id, result: compileVariant(job.base, job.overlay) });
    } catch (err) {
      port.postMessage({
        type: 'failed',
        id: job.id,
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  });
  port.postMessage({ type: 'ready' });
}
