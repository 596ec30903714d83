// SFTP figures: login latency and 256 MiB upload/download over loopback with OpenSSH's sftp client,
// against the local endpoint and, as the reference, OpenSSH's own sshd serving the same file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack } from '../local/server';
import { ms, percentile } from './stats';

const FILE_MIB = 256;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Asynchronous on purpose: the endpoint runs in this process, so a blocking spawn would starve it.
function runSftp(port: number, user: string, key: string, commands: string[], work: string): Promise<number> {
  const batch = path.join(work, `batch-${port}`);
  writeFileSync(batch, `${commands.join('\n')}\n`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sftp',
      [
        '-q',
        '-oStrictHostKeyChecking=no',
        '-oUserKnownHostsFile=/dev/null',
        '-oIdentitiesOnly=yes',
        '-oPasswordAuthentication=no',
        '-i',
        key,
        '-P',
        String(port),
        '-b',
        batch,
        `${user}@127.0.0.1`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`sftp to port ${port} failed: ${stderr.trim()}`)),
    );
  });
}

async function measure(label: string, port: number, user: string, key: string, remoteDir: string, work: string): Promise<void> {
  const logins: number[] = [];
  for (let i = 0; i < 10; i++) logins.push(await runSftp(port, user, key, ['pwd'], work));
  const file = path.join(work, 'payload.bin');
  const up = await runSftp(port, user, key, [`put ${file} ${remoteDir}/payload.bin`], work);
  const down = await runSftp(port, user, key, [`get ${remoteDir}/payload.bin ${file}.back`], work);
  // The round trip must give back the very bytes sent, or the speed means nothing.
  const intact = (await sha256(file)) === (await sha256(`${file}.back`));
  rmSync(`${file}.back`, { force: true });
  if (!intact) throw new Error(`${label}: the downloaded file differs from the uploaded one`);
  const rate = (millis: number) => `${(FILE_MIB / (millis / 1000)).toFixed(0)} MiB/s`;
  console.log(
    `${label.padEnd(24)} login (sftp session, p50 of 10) ${ms(percentile(logins, 50))}; upload ${rate(up)} (${(up / 1000).toFixed(1)} s); download ${rate(down)} (${(down / 1000).toFixed(1)} s); round trip intact`,
  );
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

async function startSshd(work: string, key: string): Promise<{ port: number; process: ChildProcess } | null> {
  if (!existsSync('/usr/sbin/sshd') || process.getuid?.() !== 0) return null;
  const port = await freePort();
  const hostKey = path.join(work, 'sshd_host_ed25519');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorized = path.join(work, 'authorized_keys');
  copyFileSync(`${key}.pub`, authorized);
  chmodSync(authorized, 0o600);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = path.join(work, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      `PidFile ${path.join(work, 'sshd.pid')}`,
      'StrictModes no',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { port, process: child };
}

export async function runSftpBench(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-sftp-'));
  const stack = await startLocalStack({ port: 0, dataDir: path.join(work, 'stack'), seed: true, sftp: true, sftpPort: 0 });
  let sshd: { port: number; process: ChildProcess } | null = null;
  try {
    const key = path.join(work, 'bob_ed25519');
    copyFileSync(path.join(import.meta.dirname, '../local/demo-keys/bob_ed25519'), key);
    copyFileSync(path.join(import.meta.dirname, '../local/demo-keys/bob_ed25519.pub'), `${key}.pub`);
    chmodSync(key, 0o600);
    const payload = path.join(work, 'payload.bin');
    const created = spawnSync('dd', ['if=/dev/urandom', `of=${payload}`, 'bs=1M', `count=${FILE_MIB}`, 'status=none']);
    if (created.status !== 0) throw new Error('could not create the payload file');
    await measure('Transfer Desk endpoint', stack.sftpEndpoints[0]!.port, 'bob', key, '/', work);
    sshd = await startSshd(work, key);
    if (sshd) {
      mkdirSync(path.join(work, 'sshd-files'), { recursive: true });
      await measure('OpenSSH sshd (reference)', sshd.port, 'root', key, path.join(work, 'sshd-files'), work);
    } else {
      console.log('OpenSSH sshd reference: skipped (needs /usr/sbin/sshd and root)');
    }
  } finally {
    sshd?.process.kill('SIGTERM');
    await stack.close();
    rmSync(work, { recursive: true, force: true });
  }
}
