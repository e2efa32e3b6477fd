import type { Logger } from '../shared/logger';

export interface Job {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `everyMs`, never two runs at once; a failing run is logged and the next one goes ahead.
 * The timer does not keep the process alive.
 */
export function every(
  name: string,
  everyMs: number,
  work: () => Promise<unknown> | unknown,
  logger: Logger,
): Job {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err, job: name }, 'background job failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
