import fs from 'node:fs';
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller (`dir` is the caller's `__dirname`, `name` the module's name
 * without extension). Where the worker code comes from:
 * - built (dist/src/…): the compiled `<name>.js` next to the caller;
 * - under ts-jest (this file is the .ts source): there is no compiled worker and the worker thread does not go
 *   through Jest's transformer, so the worker is started from a few lines of `eval` code that teach its own
 *   `require` to load .ts files with TypeScript's transpileModule (a dev dependency), then require `<name>.ts`.
 *   It costs a second or so of start-up per worker, in tests only.
 */
export function startModuleWorker(dir: string, name: string, options: WorkerOptions = {}): Worker {
  const js = path.join(dir, `${name}.js`);
  if (__filename.endsWith('.js') && fs.existsSync(js)) return new Worker(js, options);
  const ts = path.join(dir, `${name}.ts`);
  const code = `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const compilerOptions = {
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true,
    };
    require.extensions['.ts'] = (module, filename) =>
      module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename }).outputText, filename);
    require(${JSON.stringify(ts)});
  `;
  return new Worker(code, { ...options, eval: true });
}
