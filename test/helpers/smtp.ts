import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's Python, which has aiosmtpd and icalendar (the `python3` on PATH may be another). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const RULES = path.join(__dirname, 'smtp_rules.py');

/** A message as the SMTP server stored it, parsed by Python's email package. */
export interface ReceivedMail {
  key: string;
  headers: [string, string][];
  /** The header block exactly as received (to check no header was injected). */
  rawHeaders: string;
  text: string | null;
  html: string | null;
}

export const header = (m: ReceivedMail, name: string): string | undefined =>
  m.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1].trim();

export interface SmtpServer {
  port: number;
  /** Where the server stores messages. */
  dir: string;
  /** Everything received so far. */
  received(): ReceivedMail[];
  /** Waits until at least `n` messages have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the SMTP server exited (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error('the SMTP server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether this machine has Debian's aiosmtpd (.ci/run installs python3-aiosmtpd). */
export function haveAiosmtpd(): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import aiosmtpd, icalendar']).status === 0;
}

/** Reads every message stored in a Maildir. */
export function readMaildir(dir: string): ReceivedMail[] {
  const out = spawnSync(SYSTEM_PYTHON, [RULES, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`reading the Maildir failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as ReceivedMail[];
}

/**
 * A real SMTP server (aiosmtpd) on a free port, storing messages in a Maildir; with `tls`, it offers STARTTLS with
 * that certificate and requires it.
 */
export async function startSmtp(
  options: { tls?: { cert: string; key: string }; port?: number } = {},
): Promise<SmtpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-smtp-'));
  // Python's Maildir makes its folders only when it creates the directory itself
  const dir = path.join(root, 'box');
  const port = options.port ?? (await freePort());
  const tls = options.tls ? ['--tlscert', options.tls.cert, '--tlskey', options.tls.key] : [];
  const child = spawn(
    SYSTEM_PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, ...tls, '-c', 'smtp_rules.Rules', dir],
    { env: { ...process.env, PYTHONPATH: __dirname }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr}`, { cause: err });
  }
  const received = () => (fs.existsSync(path.join(dir, 'new')) ? readMaildir(dir) : []);
  return {
    port,
    dir,
    received,
    async waitFor(n, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const count = fs.existsSync(path.join(dir, 'new')) ? fs.readdirSync(path.join(dir, 'new')).length : 0;
        if (count >= n) return received();
        if (Date.now() > until) throw new Error(`expected ${n} messages, the server has ${count}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost, made by openssl. */
export function throwawayCertificate(): { cert: string; key: string; pem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-cert-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { cert, key, pem: fs.readFileSync(cert, 'utf8') };
}
