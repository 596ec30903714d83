// `npm run local`: the local stack alone, on LOCAL_AWS_PORT (4566), with state in LOCAL_AWS_DATA.
import path from 'node:path';
import { startLocalStack } from './server';

const stack = await startLocalStack({
  port: Number(process.env.LOCAL_AWS_PORT ?? 4566),
  dataDir: path.resolve(process.env.LOCAL_AWS_DATA ?? '.local-aws'),
  faults: process.env.LOCAL_AWS_FAULTS,
  sftp: process.env.LOCAL_SFTP !== '0',
  log: process.env.LOCAL_AWS_QUIET === '1' ? undefined : (line) => console.log(JSON.stringify(line)),
});
console.log(`Local AWS APIs at ${stack.endpoint} (data in ${stack.dataDir})`);
for (const sftp of stack.sftpEndpoints) console.log(`SFTP for ${sftp.serverId} on 127.0.0.1:${sftp.port}`);
console.log(`Use it with: AWS_ENDPOINT_URL=${stack.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stack.close().then(() => process.exit(0));
  });
}
