// The browser suite's entry point (meson test runs `node run.mjs`).
import './chat.test.mjs';
import './client.test.mjs';
import { runAll } from './support/runner.mjs';

process.exitCode = await runAll();
