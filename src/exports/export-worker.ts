/**
 * Worker-thread entry for building an export (see export-runner.ts). Takes one ExportJob, answers with progress
 * messages, then `{ type: 'done', report }` or `{ type: 'failed', message }`; the main thread ends the worker after it.
 * Nothing here touches the database or the cache: it writes the one file it is told to.
 */
import v8 from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { ExportJob, ExportKind, ExportReport, FromExportWorker } from './export-kinds';
import { writePackageZip } from './packages';
import { writeTrainerPack, type BuildReport, type OfficeWriters } from './trainer-pack';
import { lazyOfficeWriter } from './writers';

// the Office libraries load only in a worker that makes the trainer's pack: a package's worker starts without them
const OFFICE: OfficeWriters = {
  deck: lazyOfficeWriter.deckToPptx,
  modules: lazyOfficeWriter.modulesToDocx,
  guide: lazyOfficeWriter.facilitatorGuideDocx,
};

type Builder = (job: ExportJob, progress: (done: number, total: number) => void) => Promise<BuildReport>;

/** A SCORM or cmi5 package: pages, manifest and assets, zipped (tens of milliseconds, but off the request thread all the same). */
const packageOf =
  (format: 'scorm12' | 'scorm2004' | 'cmi5'): Builder =>
  (job, progress) =>
    writePackageZip(job.pack, job.meta, format, job.scope, job.file, progress);

const BUILDERS: Record<ExportKind, Builder> = {
  'trainer-pack': (job, progress) =>
    writeTrainerPack(job.pack, job.meta, job.builtAt, OFFICE, job.file, progress),
  scorm12: packageOf('scorm12'),
  scorm2004: packageOf('scorm2004'),
  cmi5: packageOf('cmi5'),
};

const port = parentPort;
if (port) {
  const send = (msg: FromExportWorker) => port.postMessage(msg);
  port.once('message', (job: ExportJob) => {
    let heapPeak = v8.getHeapStatistics().used_heap_size;
    const progress = (done: number, total: number) => {
      heapPeak = Math.max(heapPeak, v8.getHeapStatistics().used_heap_size);
      send({ type: 'progress', done, total });
    };
    BUILDERS[job.kind](job, progress).then(
      (built) => {
        const report: ExportReport = { ...built, heapPeakMb: Math.round(heapPeak / 2 ** 20) };
        send({ type: 'done', report });
      },
      (err: unknown) =>
        send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
}
