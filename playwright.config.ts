import { defineConfig } from '@playwright/test';

// The console under test is the `next build` output started by scripts/start.ts on a throwaway
// local stack (scripts/e2e.ts prepares the data directory and the console accounts). The ports can be
// moved (E2E_PORT, E2E_AWS_PORT, E2E_SFTP_PORT) so that two checkouts can run their suites at once.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const AWS_PORT = process.env.E2E_AWS_PORT ?? '4610';
const SFTP_PORT = process.env.E2E_SFTP_PORT ?? '2310';

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: true,
  outputDir: 'test-results/e2e',
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'npx tsx scripts/start.ts',
    url: `http://127.0.0.1:${PORT}/signin`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      START_NO_BUILD: '1',
      PORT: String(PORT),
      LOCAL_AWS_PORT: AWS_PORT,
      LOCAL_SFTP_PORT: SFTP_PORT,
      LOCAL_AWS_DATA: process.env.E2E_DATA_DIR ?? '.e2e-data',
      CONSOLE_USERS_FILE: process.env.CONSOLE_USERS_FILE ?? '.e2e-data/console-users.json',
    },
  },
});
