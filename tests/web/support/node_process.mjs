// Parley nodes for the browser suite: real processes of $PARLEY_BINARY on
// a fresh database (a SQLite file, or a database made on the throwaway
// PostgreSQL of $PARLEY_TEST_POSTGRES), on free loopback ports, stopped by
// the test that started them.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const readyPrefix = 'parley listening on ';
const startTimeoutMs = 30000;

/// A scratch directory with a token key, removed by cleanup().
export function makeScratch() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-web-'));
  const keyFile = join(dir, 'token.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  return { dir, keyFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/// The backend under test: 'sqlite' or 'postgresql'.
export function backend() {
  return process.env.PARLEY_TEST_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';
}

/// A fresh database URL for `backend`; PostgreSQL's is made now with psql.
export function freshDatabase(scratch, kind = backend()) {
  if (kind === 'sqlite') return `sqlite:${join(scratch.dir, 'parley.db')}`;
  const server = process.env.PARLEY_TEST_POSTGRES;
  if (!server) throw new Error('PARLEY_TEST_POSTGRES is not set (./dev test sets it)');
  const name = `web_${process.pid}_${randomBytes(4).toString('hex')}`;
  execFileSync('psql', [server, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`]);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/// Starts a node with `args` (--listen and --admin-listen default to free
/// loopback ports); resolves once it prints where it listens.
export async function startNode(args) {
  const binary = process.env.PARLEY_BINARY;
  if (!binary) throw new Error('PARLEY_BINARY is not set (meson test sets it)');
  const full = [...args];
  if (!full.includes('--listen')) full.push('--listen', '127.0.0.1:0');
  if (!full.includes('--admin-listen')) full.push('--admin-listen', 'off');
  const child = spawn(binary, full, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => { output += chunk.toString(); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node not ready in ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const look = () => {
      const line = output.split('\n').find((l) => l.startsWith(readyPrefix));
      if (!line) return;
      clearTimeout(timer);
      resolve(Number(line.slice(line.lastIndexOf(':') + 1)));
    };
    child.stdout.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    log: () => output,
    /// SIGTERM, then waits for the exit.
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/// Polls `probe` (async, truthy when done) until it holds or `timeoutMs`
/// passes; throws naming `what` then.
export async function waitFor(what, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
