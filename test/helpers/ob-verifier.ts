import { execFile } from 'node:child_process';
import path from 'node:path';

const CONTEXT_DIR = path.join(__dirname, '..', '..', 'src', 'badges', 'contexts');

/** The local copies the independent verifier loads contexts from (the same files Packway signs with). */
export const CONTEXT_FILES: Record<string, string> = {
  'https://www.w3.org/ns/credentials/v2': path.join(CONTEXT_DIR, 'credentials-v2.json'),
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': path.join(CONTEXT_DIR, 'ob-v3p0-3.0.3.json'),
  'https://w3id.org/security/multikey/v1': path.join(CONTEXT_DIR, 'multikey-v1.json'),
};

/**
 * Verifies documents with test/helpers/ob_verify.py (Debian's python3-pyld and python3-nacl: no code shared with the
 * libraries that signed them), one process for the lot.
 */
export function independentlyVerify(
  documents: unknown[],
  publicKeyMultibase: string,
): Promise<{ verified: boolean; reason: string }[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      [path.join(__dirname, 'ob_verify.py')],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`ob_verify.py failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout) as { verified: boolean; reason: string }[]);
      },
    );
    child.stdin!.end(JSON.stringify({ documents, publicKeyMultibase, contexts: CONTEXT_FILES }));
  });
}
