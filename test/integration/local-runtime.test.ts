import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulator.ts';

const MAIN = fileURLToPath(new URL('../../local/main.ts', import.meta.url));

describe('npm run local', () => {
  it('prints READY, serves the API and /_local/info, and leaves nothing running after SIGTERM', async () => {
    // Prepare
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const deadline = Date.now() + 30_000;
    while (!out.includes('READY ') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }

    // Act
    const readyLine = out.split('\n').find((l) => l.startsWith('READY '));
    const info = (await (await fetch(`http://127.0.0.1:${port}/_local/info`)).json()) as Record<
      string,
      string
    >;
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    const unauthenticated = await fetch(`http://127.0.0.1:${port}/me`);
    // The web console, built when stale at start (no separate build step), with its deep links.
    const consolePage = await fetch(`http://127.0.0.1:${port}/console/leases/l-1`);
    const consoleHtml = await consolePage.text();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    const emulatorAfterStop = await fetch(`${info.awsEndpoint}/_idc/calls`).then(
      () => 'still answering',
      () => 'gone',
    );

    // Assess
    expect(readyLine).toBe(`READY http://127.0.0.1:${port}`);
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining([
        'awsEndpoint',
        'region',
        'instanceArn',
        'identityStoreId',
        'stateMachineArn',
        'eventBusName',
      ]),
    );
    expect(info.stateMachineArn).toMatch(/^arn:aws:states:/);
    expect(health).toEqual({ status: 'ok' });
    expect(unauthenticated.status).toBe(401);
    expect(info.consoleUrl).toBe(`http://127.0.0.1:${port}/console/`);
    expect(consolePage.status).toBe(200);
    expect(consoleHtml).toContain('<base href="/console/" />');
    expect(code).toBe(0);
    expect(emulatorAfterStop).toBe('gone');
  });
});
