#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp, configOf } from '../lib/app.ts';
import { ConfigError } from '../lib/config.ts';

const app = new App();
try {
  buildApp(app, configOf(app));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
