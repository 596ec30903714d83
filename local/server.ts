// The embedded local stack: Secrets Manager, Transfer, EFS, IAM and CloudWatch Logs on loopback,
// speaking each service's wire protocol so the real AWS SDK and CLI work against it unchanged.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AwsError } from './errors';
import { parseFaults, pickFault, type FaultKind, type FaultSpec } from './faults';
import { seedDemoData } from './seed';
import { handleEfs } from './services/efs';
import { handleIam, iamErrorXml } from './services/iam';
import { logsOperations } from './services/logs';
import { secretsManagerOperations } from './services/secrets-manager';
import { identityProviderFor, transferOperations } from './services/transfer';
import type { Operation, ServiceContext } from './services/types';
import { hostKeyFingerprint } from './sftp/host-key';
import { writeLoginLine } from './login-log';
import { startSftpServer, type SftpServerOptions } from './sftp/server';
import { Store } from './store';

export type LocalStackOptions = {
  host?: string;
  port?: number;
  dataDir: string;
  seed?: boolean;
  faults?: string | FaultSpec;
  sftp?: boolean;
  sftpPort?: number;
  /** Where request and login lines go; silent by default in tests. */
  log?: (line: Record<string, unknown>) => void;
};

export type LocalStack = {
  endpoint: string;
  port: number;
  dataDir: string;
  store: Store;
  sftpEndpoints: { serverId: string; port: number }[];
  close(): Promise<void>;
};

type JsonService = { operations: Map<string, Operation>; serverError: string; throttle: string };

// Maps, not object lookups: an `X-Amz-Target` such as `secretsmanager.constructor` must find nothing.
const JSON_SERVICES = new Map<string, JsonService>([
  [
    'secretsmanager',
    { operations: new Map(Object.entries(secretsManagerOperations)), serverError: 'InternalServiceError', throttle: 'ThrottlingException' },
  ],
  [
    'TransferService',
    { operations: new Map(Object.entries(transferOperations)), serverError: 'ServiceUnavailableException', throttle: 'ThrottlingException' },
  ],
  [
    'Logs_20140328',
    { operations: new Map(Object.entries(logsOperations)), serverError: 'ServiceUnavailableException', throttle: 'ThrottlingException' },
  ],
]);

function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Answered at once; the connection closes after the answer instead of reading the rest.
        reject(new AwsError('RequestEntityTooLargeException', 'The request body is larger than 10 MiB.', 413));
        req.removeAllListeners('data');
        req.pause();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The region the caller signed for, from the SigV4 credential scope (signatures are not checked). */
function signedRegion(req: IncomingMessage, fallback: string): string {
  const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]{1,32})\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? fallback;
}

/**
 * The path and query of a request target, without `new URL`: absolute-form targets
 * (`http://a:99999/`) and odd paths (`//[/`) are valid HTTP that URL parsing rejects.
 */
export function requestTarget(rawUrl: string | undefined): { pathname: string; query: URLSearchParams } {
  let target = rawUrl ?? '/';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length);
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const mark = target.indexOf('?');
  const pathname = (mark >= 0 ? target.slice(0, mark) : target) || '/';
  return { pathname: pathname.startsWith('/') ? pathname : `/${pathname}`, query: new URLSearchParams(mark >= 0 ? target.slice(mark + 1) : '') };
}

function parseJsonInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

type ErrorProtocol = 'json' | 'rest' | 'query';

function sendError(res: ServerResponse, protocol: ErrorProtocol, error: AwsError, requestId: string): void {
  const headers = { 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.code };
  if (protocol === 'query') {
    send(res, error.status, 'text/xml', iamErrorXml(error, requestId), headers);
    return;
  }
  const payload =
    protocol === 'rest'
      ? { ErrorCode: error.code, Message: error.message, ...error.extra }
      : { __type: error.code, Message: error.message, message: error.message, ...error.extra };
  send(res, error.status, protocol === 'rest' ? 'application/json' : 'application/x-amz-json-1.1', JSON.stringify(payload), headers);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...(status === 413 ? { Connection: 'close' } : {}),
    ...headers,
  });
  res.end(body);
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const store = new Store(dataDir);
  const faults = typeof options.faults === 'string' ? parseFaults(options.faults) : (options.faults ?? parseFaults(''));
  const log = options.log ?? (() => undefined);
  const isNew = store.isNew;

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  // Each login's line goes to the stack's log and, as on AWS, into the function's CloudWatch Logs group.
  const logLogin = (region: string) => (record: unknown) => {
    log({ source: 'idp', ...(record as object) });
    if (typeof record === 'object' && record !== null) writeLoginLine(store, region, record as Record<string, unknown>);
  };
  const baseContext = (region: string): ServiceContext => ({ store, region, endpoint, logLogin: logLogin(region) });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      // handle() answers its own failures; this only guards against a failure while answering.
      try {
        log({ source: 'aws', level: 'error', error: err instanceof Error ? err.name : 'unknown' });
        if (!res.headersSent)
          sendError(res, 'json', new AwsError('InternalFailure', 'The local stack failed to handle the request.', 500), randomUUID());
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  });
  // A request line or header block Node cannot parse never reaches 'request': answer it here.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    let protocol: ErrorProtocol = 'json';
    try {
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      const { pathname, query } = requestTarget(req.url);
      protocol = typeof target === 'string' ? 'json' : pathname.startsWith('/2015-02-01/') ? 'rest' : 'json';
      const region = signedRegion(req, store.homeRegion);
      const ctx = baseContext(region);
      const body = await readBody(req);
      if (typeof target === 'string') {
        const [prefix = '', operationName = ''] = target.split('.');
        const service = JSON_SERVICES.get(prefix);
        const operation = service?.operations.get(operationName);
        if (!service || !operation) throw new AwsError('UnknownOperationException', `The local stack does not implement ${target}.`);
        const fault = await applyFault(operationName, service.throttle, service.serverError);
        const input = parseJsonInput(body);
        const output = await operation.handler(input, ctx);
        if (operation.mutates) await store.commit();
        failAfterApplying(fault, res, service.serverError);
        log({ source: 'aws', operation: target, status: 200 });
        send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(output ?? {}), { 'x-amzn-RequestId': requestId });
        return;
      }
      if (protocol === 'rest') {
        const operationName = pathname.endsWith('/access-points') ? 'DescribeAccessPoints' : 'DescribeFileSystems';
        const fault = await applyFault(operationName, 'ThrottlingException', 'InternalServerError');
        const out = handleEfs(store, region, { method: req.method ?? 'GET', path: pathname, query });
        failAfterApplying(fault, res, 'InternalServerError');
        log({ source: 'aws', operation: `efs.${operationName}`, status: out.status });
        send(res, out.status, 'application/json', JSON.stringify(out.body), { 'x-amzn-RequestId': requestId });
        return;
      }
      if (req.method === 'POST' && /(?:^|&)Action=/.test(body)) {
        protocol = 'query';
        const params = new URLSearchParams(body);
        const fault = await applyFault(params.get('Action') ?? '', 'Throttling', 'ServiceFailure');
        const xml = handleIam(store, params, requestId);
        failAfterApplying(fault, res, 'ServiceFailure');
        log({ source: 'aws', operation: `iam.${params.get('Action')}`, status: 200 });
        send(res, 200, 'text/xml', xml, { 'x-amzn-RequestId': requestId });
        return;
      }
      if (req.method === 'GET' && pathname === '/health') {
        send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
        return;
      }
      throw new AwsError('UnknownOperationException', 'The local stack could not tell which AWS service this request is for.', 404);
    } catch (err) {
      const error =
        err instanceof AwsError
          ? err
          : new AwsError(protocol === 'query' ? 'ServiceFailure' : 'InternalFailure', 'The local stack failed to handle the request.', 500);
      // Only the error's name: a message could quote a request body, and bodies carry secrets.
      if (!(err instanceof AwsError)) log({ source: 'aws', level: 'error', error: err instanceof Error ? err.name : 'unknown' });
      if (!res.headersSent && !res.destroyed) sendError(res, protocol, error, requestId);
    }
  }

  async function applyFault(operation: string, throttleCode: string, serverErrorCode: string): Promise<FaultKind> {
    const fault = pickFault(faults, operation);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.kind === 'throttle') throw new AwsError(throttleCode, 'Rate exceeded', 400);
    if (fault.kind === 'error') throw new AwsError(serverErrorCode, 'The local stack injected a service error (LOCAL_AWS_FAULTS).', 500);
    return fault.kind;
  }

  /** The ambiguous faults, once the operation is applied and committed: a 500, or no answer at all. */
  function failAfterApplying(kind: FaultKind, res: ServerResponse, serverErrorCode: string): void {
    if (kind === 'after')
      throw new AwsError(serverErrorCode, 'The local stack injected a service error after applying the request (LOCAL_AWS_FAULTS).', 500);
    if (kind === 'drop') {
      res.destroy();
      throw new AwsError(serverErrorCode, 'The local stack dropped the connection after applying the request (LOCAL_AWS_FAULTS).', 500);
    }
  }

  if (isNew && options.seed !== false) await seedDemoData(store, baseContext(store.homeRegion));
  else if (isNew) await store.commit();

  const sftpEndpoints: { serverId: string; port: number; close(): Promise<void> }[] = [];
  if (options.sftp) {
    let nextPort = options.sftpPort ?? Number(process.env.LOCAL_SFTP_PORT ?? 2222);
    const authenticate = identityProviderFor(baseContext(store.homeRegion));
    for (const transferServer of store.state.servers.filter((s) => s.Protocols.includes('SFTP') && s.IdentityProviderType === 'AWS_LAMBDA')) {
      const started = await startSftpServer({
        host,
        port: nextPort === 0 ? 0 : nextPort++,
        serverId: transferServer.ServerId,
        hostKeyPath: path.join(dataDir, 'sftp', transferServer.ServerId, 'host_key'),
        efsRoot: path.join(dataDir, 'efs'),
        authenticationMethods: (transferServer.IdentityProviderDetails?.SftpAuthenticationMethods ??
          'PUBLIC_KEY_OR_PASSWORD') as SftpServerOptions['authenticationMethods'],
        authenticate: async (event) => await authenticate(event),
        log: (line) => log({ source: 'sftp', serverId: transferServer.ServerId, ...line }),
        recordLogin: logLogin(store.homeRegion),
      });
      // DescribeServer's HostKeyFingerprint, as `ssh-keygen -l` prints it for the endpoint's key.
      transferServer.HostKeyFingerprint = hostKeyFingerprint(path.join(dataDir, 'sftp', transferServer.ServerId, 'host_key'));
      transferServer.Tags = [
        ...transferServer.Tags.filter((tag) => tag.Key !== 'transfer-desk:local-endpoint'),
        { Key: 'transfer-desk:local-endpoint', Value: `${host}:${started.port}` },
      ];
      sftpEndpoints.push({ serverId: transferServer.ServerId, ...started });
    }
    store.markAllChanged();
    await store.commit();
  }

  return {
    endpoint,
    port,
    dataDir,
    store,
    sftpEndpoints: sftpEndpoints.map(({ serverId, port: p }) => ({ serverId, port: p })),
    async close() {
      await Promise.all(sftpEndpoints.map((s) => s.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.settle();
    },
  };
}
