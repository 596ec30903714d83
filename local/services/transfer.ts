// Transfer (awsJson1_1, `TransferService.<Operation>`): servers from the demo data, and
// TestIdentityProvider, which runs the Lambda handler that ships against this stack's own secrets.
import { createHandler, createSecretsManagerClient } from '../../lambda/handler';
import { AwsError, invalidRequest } from '../errors';
import type { ServerRecord } from '../store';
import { pageOf } from './paging';
import type { Operations, ServiceContext } from './types';

type Input = Record<string, unknown>;

function unknownServer(serverId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Unknown server`, 400, { Resource: serverId, ResourceType: 'Server' });
}

/** Transfer servers are regional: the demo's live in the stack's home region, other regions have none. */
function serversOf(ctx: ServiceContext): ServerRecord[] {
  return ctx.region === ctx.store.homeRegion ? ctx.store.state.servers : [];
}

function findServer(ctx: ServiceContext, serverId: unknown): ServerRecord {
  if (serverId === undefined || serverId === null) {
    throw new AwsError(
      'InvalidRequestException',
      "1 validation error detected: Value null at 'serverId' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof serverId !== 'string' || !/^s-([0-9a-f]{17})$/.test(serverId)) {
    const shown = typeof serverId === 'string' ? serverId : JSON.stringify(serverId);
    throw new AwsError(
      'InvalidRequestException',
      `1 validation error detected: Value '${shown}' at 'serverId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^s-([0-9a-f]{17})$`,
    );
  }
  const server = serversOf(ctx).find((s) => s.ServerId === serverId);
  if (!server) throw unknownServer(serverId);
  return server;
}

function page<T>(items: T[], input: Input, max = 1000): { items: T[]; NextToken?: string } {
  const requested = input.MaxResults;
  if (
    requested !== undefined &&
    requested !== null &&
    (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > max)
  ) {
    throw new AwsError(
      'InvalidRequestException',
      `1 validation error detected: Value '${typeof requested === 'number' || typeof requested === 'string' ? String(requested) : JSON.stringify(requested)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
  const { items: slice, nextToken } = pageOf(
    items,
    token,
    typeof requested === 'number' ? requested : max,
    () => new AwsError('InvalidNextTokenException', 'The NextToken is not valid.'),
  );
  return nextToken ? { items: slice, NextToken: nextToken } : { items: slice };
}

const handlers = new Map<string, ReturnType<typeof createHandler>>();

function handlerFor(ctx: ServiceContext) {
  const key = `${ctx.endpoint} ${ctx.region}`;
  let handler = handlers.get(key);
  if (!handler) {
    // The shipped Lambda's own client, pointed at this stack.
    const client = createSecretsManagerClient({
      endpoint: ctx.endpoint,
      region: ctx.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    // The login log goes to the stack's stdout, as the real function's goes to CloudWatch Logs.
    handler = createHandler({ client, log: (record) => ctx.logLogin?.(record) });
    handlers.set(key, handler);
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
      const { items, NextToken } = page(serversOf(ctx), input);
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
      const s = findServer(ctx, input.ServerId);
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
      if (typeof input.Arn !== 'string' || input.Arn.length < 20) {
        throw new AwsError(
          'InvalidRequestException',
          "1 validation error detected: Value at 'arn' failed to satisfy constraint: Member must have length greater than or equal to 20",
        );
      }
      const server = serversOf(ctx).find((s) => s.Arn === input.Arn);
      if (!server) throw new AwsError('ResourceNotFoundException', 'Unknown resource', 400, { Resource: input.Arn, ResourceType: 'Server' });
      const { items, NextToken } = page(server.Tags, input);
      return { Arn: server.Arn, Tags: items, ...(NextToken ? { NextToken } : {}) };
    },
  },

  TestIdentityProvider: {
    async handler(input: Input, ctx: ServiceContext) {
      const server = findServer(ctx, input.ServerId);
      if (server.IdentityProviderType === 'SERVICE_MANAGED') {
        throw invalidRequest('TestIdentityProvider is not supported for servers with SERVICE_MANAGED identity provider type.');
      }
      if (typeof input.UserName !== 'string' || input.UserName.length < 3) {
        throw invalidRequest(
          "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 3",
        );
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
