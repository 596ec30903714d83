// Transfer (awsJson1_1, `TransferService.<Operation>`): servers from the demo data, and
// TestIdentityProvider, which runs the Lambda handler that ships against this stack's own secrets.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHandler } from '../../lambda/handler';
import { AwsError, invalidRequest } from '../errors';
import type { ServerRecord, State } from '../store';
import type { Operations, ServiceContext } from './types';

type Input = Record<string, unknown>;

function unknownServer(serverId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Unknown server`, 400, { Resource: serverId, ResourceType: 'Server' });
}

function findServer(state: State, serverId: unknown): ServerRecord {
  if (typeof serverId !== 'string' || !/^s-([0-9a-f]{17})$/.test(serverId)) {
    throw new AwsError('InvalidRequestException', `1 validation error detected: Value '${String(serverId)}' at 'serverId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^s-([0-9a-f]{17})$`);
  }
  const server = state.servers.find((s) => s.ServerId === serverId);
  if (!server) throw unknownServer(serverId);
  return server;
}

function page<T>(items: T[], input: Input, max = 1000): { items: T[]; NextToken?: string } {
  const size = typeof input.MaxResults === 'number' ? input.MaxResults : max;
  if (size < 1 || size > max) throw new AwsError('InvalidRequestException', `MaxResults must be between 1 and ${max}.`);
  const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, NextToken: Buffer.from(String(start + size)).toString('base64url') } : { items: slice };
}

const handlers = new Map<string, ReturnType<typeof createHandler>>();

function handlerFor(ctx: ServiceContext) {
  let handler = handlers.get(ctx.endpoint);
  if (!handler) {
    const client = new SecretsManagerClient({
      endpoint: ctx.endpoint,
      region: ctx.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    // The login log goes to the stack's stdout, as the real function's goes to CloudWatch Logs.
    handler = createHandler({ client, log: (record) => ctx.logLogin?.(record) });
    handlers.set(ctx.endpoint, handler);
  }
  return handler;
}

/** The Lambda handler wired to this stack, also used by the local SFTP endpoints. */
export function identityProviderFor(ctx: ServiceContext) {
  return handlerFor(ctx);
}

export const transferOperations: Operations = {
  ListServers: {
    handler(input: Input, ctx: ServiceContext) {
      const { items, NextToken } = page(ctx.store.state.servers, input);
      return {
        Servers: items.map((s) => ({
          Arn: s.Arn,
          Domain: s.Domain,
          IdentityProviderType: s.IdentityProviderType,
          EndpointType: s.EndpointType,
          ...(s.LoggingRole ? { LoggingRole: s.LoggingRole } : {}),
          ServerId: s.ServerId,
          State: s.State,
          UserCount: s.UserCount,
        })),
        ...(NextToken ? { NextToken } : {}),
      };
    },
  },

  DescribeServer: {
    handler(input: Input, ctx: ServiceContext) {
      const s = findServer(ctx.store.state, input.ServerId);
      return {
        Server: {
          Arn: s.Arn,
          Domain: s.Domain,
          EndpointType: s.EndpointType,
          ...(s.HostKeyFingerprint ? { HostKeyFingerprint: s.HostKeyFingerprint } : {}),
          ...(s.IdentityProviderDetails ? { IdentityProviderDetails: s.IdentityProviderDetails } : {}),
          IdentityProviderType: s.IdentityProviderType,
          ...(s.LoggingRole ? { LoggingRole: s.LoggingRole } : {}),
          Protocols: s.Protocols,
          ProtocolDetails: { PassiveIp: 'AUTO', SetStatOption: 'DEFAULT', TlsSessionResumptionMode: 'ENFORCED' },
          SecurityPolicyName: s.SecurityPolicyName,
          ServerId: s.ServerId,
          State: s.State,
          Tags: s.Tags,
          UserCount: s.UserCount,
        },
      };
    },
  },

  ListTagsForResource: {
    handler(input: Input, ctx: ServiceContext) {
      const server = ctx.store.state.servers.find((s) => s.Arn === input.Arn);
      if (!server) throw new AwsError('ResourceNotFoundException', 'Unknown resource', 400, { Resource: String(input.Arn), ResourceType: 'Server' });
      const { items, NextToken } = page(server.Tags, input);
      return { Arn: server.Arn, Tags: items, ...(NextToken ? { NextToken } : {}) };
    },
  },

  TestIdentityProvider: {
    async handler(input: Input, ctx: ServiceContext) {
      const server = findServer(ctx.store.state, input.ServerId);
      if (server.IdentityProviderType === 'SERVICE_MANAGED') {
        throw invalidRequest('TestIdentityProvider is not supported for servers with SERVICE_MANAGED identity provider type.');
      }
      if (typeof input.UserName !== 'string' || input.UserName.length < 3) {
        throw invalidRequest("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 3");
      }
      const protocol = typeof input.ServerProtocol === 'string' ? input.ServerProtocol : 'SFTP';
      if (!server.Protocols.includes(protocol)) throw invalidRequest(`The server does not support ${protocol}.`);
      const handler = handlerFor(ctx);
      const response = await handler({
        username: input.UserName,
        ...(typeof input.UserPassword === 'string' ? { password: input.UserPassword } : {}),
        protocol,
        serverId: server.ServerId,
        ...(typeof input.SourceIp === 'string' ? { sourceIp: input.SourceIp } : {}),
      });
      return {
        Response: JSON.stringify(response),
        StatusCode: 200,
        // AWS documents an empty message as the usual sign of a wrong user name or password.
        Message: '',
        Url: server.IdentityProviderDetails?.Function ?? '',
      };
    },
  },
};
