import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LOCAL_KEYS } from './credentials.ts';

const LAUNCHER = fileURLToPath(new URL('./moto_launcher.py', import.meta.url));

export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const waitUntilUp = async (endpoint: string, child: ChildProcess, log: () => string): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the emulator exited with code ${child.exitCode}:\n${log()}`);
    }
    try {
      const res = await fetch(`${endpoint}/_idc/calls`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the emulator did not answer within 30 s:\n${log()}`);
};

/** Starts moto's server through our launcher (FACTS.md workarounds, fault injection) on loopback. */
export const startEmulator = async (opts: { port?: number; python?: string } = {}): Promise<Emulator> => {
  const port = opts.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(opts.python ?? process.env.IDC_LEASE_PYTHON ?? 'python3', [LAUNCHER, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MOTO_PORT: String(port),
      PYTHONUNBUFFERED: '1',
      // The workflow's own task calls sign with this key (local/call_recorder.py).
      IDC_LEASE_WORKFLOW_ACCESS_KEY_ID: LOCAL_KEYS.workflow,
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    // moto logs every request; keep only the tail for error messages.
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilUp(endpoint, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    if (child.exitCode === 3)
      throw new Error(output.trim() || 'moto is not installed: pip install "moto[server]"');
    throw err;
  }
  return {
    endpoint,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
};
