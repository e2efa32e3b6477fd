import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../shared/worker-thread';
import { deepFreeze, type FileMap } from './compile';
import type { CompileResult } from './types';

/**
 * Compiles variants in worker threads (node:worker_threads) so a slow compile — Markdown's inline parser is
 * super-linear on hostile input — never holds up other requests. Each job has a time limit: past it, the worker
 * is terminated (the only way to stop synchronous code) and the caller gets a CompileTimeoutError.
 *
 * Workers are kept for reuse (at most MAX_WORKERS at a time, extra jobs wait in line) and end after a minute idle.
 * The time limit counts from the moment a worker takes the job, not while it waits in line or starts up.
 *
 * The worker is compile-worker.js beside this file once built, or compile-worker.ts under ts-jest
 * (src/shared/worker-thread.ts says how).
 */

export const DEFAULT_COMPILE_TIMEOUT_MS = 10_000;
const MAX_WORKERS = Math.max(1, Math.min(2, (os.availableParallelism?.() ?? os.cpus().length) - 1));
const IDLE_MS = 60_000;
const STARTUP_MS = 30_000;
/** Memory a single compile may use; past it the worker dies and the upload is refused, not the server. */
const HEAP_MB = 512;

export class CompileTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `the variant took too long to compile (over ${formatSeconds(timeoutMs)}); ` +
        'look for very long lines or deeply nested Markdown (many [ or ![ in a row)',
    );
    this.name = 'CompileTimeoutError';
  }
}

/** The compile could not finish for a reason of the input's making (it ran out of memory, say). */
export class CompileAbortedError extends Error {
  constructor(reason: string) {
    super(`the variant could not be compiled: ${reason}`);
    this.name = 'CompileAbortedError';
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

interface Job {
  id: number;
  base: FileMap;
  overlay: FileMap;
  timeoutMs: number;
  resolve(result: CompileResult): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
}

type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: CompileResult }
  | { type: 'failed'; id: number; message: string };

function startWorker(): Worker {
  return startModuleWorker(__dirname, 'compile-worker', { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
}

class CompilePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;

  run(base: FileMap, overlay: FileMap, timeoutMs: number): Promise<CompileResult> {
    return new Promise<CompileResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, base, overlay, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker; jobs in flight or waiting are refused. */
  async close(): Promise<void> {
    const waiting = this.queue.splice(0);
    waiting.forEach((job) => job.reject(new Error('the compile pool was closed')));
    await Promise.all(
      [...this.slots].map((slot) => this.retire(slot, new Error('the compile pool was closed'))),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.ready && !slot.job) this.assign(slot, this.queue.shift()!);
    }
    // start workers for the jobs still waiting, counting those already starting
    let starting = [...this.slots].filter((s) => !s.ready).length;
    while (this.slots.size < MAX_WORKERS && this.queue.length > starting) {
      this.spawn();
      starting++;
    }
  }

  private spawn(): void {
    const slot: Slot = { worker: startWorker(), ready: false };
    this.slots.add(slot);
    slot.timer = setTimeout(
      () => void this.retire(slot, new Error('the compile worker did not start in time')),
      STARTUP_MS,
    );
    slot.worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    slot.worker.on('error', (err: Error & { code?: string }) => {
      const reason =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new CompileAbortedError(`it needed more than ${HEAP_MB} MB of memory`)
          : err;
      void this.retire(slot, reason);
    });
    slot.worker.on('exit', () => {
      if (this.slots.has(slot)) void this.retire(slot, new Error('the compile worker stopped unexpectedly'));
    });
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'ready') {
      clearTimeout(slot.timer);
      slot.ready = true;
      this.release(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    this.release(slot);
    if (msg.type === 'failed') job.reject(new Error(`compile failed in the worker: ${msg.message}`));
    else job.resolve(msg.result.ok ? { ok: true, pack: deepFreeze(msg.result.pack) } : msg.result);
  }

  private assign(slot: Slot, job: Job): void {
    clearTimeout(slot.idleTimer);
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(
      () => void this.retire(slot, new CompileTimeoutError(job.timeoutMs)),
      job.timeoutMs,
    );
    slot.worker.postMessage({ id: job.id, base: job.base, overlay: job.overlay });
  }

  /** A ready worker with nothing to do: give it the next job, or let it idle (not keeping the process alive). */
  private release(slot: Slot): void {
    const next = this.queue.shift();
    if (next) {
      this.assign(slot, next);
      return;
    }
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => void this.retire(slot), IDLE_MS);
    slot.idleTimer.unref();
    this.pump();
  }

  private async retire(slot: Slot, reason?: Error): Promise<void> {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) job.reject(reason ?? new Error('the compile worker stopped'));
    else if (!slot.ready && reason) {
      // a worker that never started: the jobs waiting for it cannot be served either
      const waiting = this.queue.splice(0);
      waiting.forEach((j) => j.reject(reason));
    }
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate().catch(() => undefined);
    this.pump();
  }
}

let pool: CompilePool | undefined;

/**
 * `compileVariant` (same result), run in a worker thread within a time limit. Rejects with CompileTimeoutError
 * past the limit, CompileAbortedError when the worker runs out of memory, or a plain Error on a compiler bug.
 */
export function compileVariantOffThread(
  base: FileMap,
  overlay: FileMap,
  options: { timeoutMs?: number } = {},
): Promise<CompileResult> {
  pool ??= new CompilePool();
  return pool.run(base, overlay, options.timeoutMs ?? DEFAULT_COMPILE_TIMEOUT_MS);
}

/** Ends the compile workers (tests, shutdown). Safe to call when none were started; a later compile starts anew. */
export async function closeCompilePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}
