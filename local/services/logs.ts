// CloudWatch Logs (awsJson1_1, `Logs_20140328.<Operation>`): enough for the console's audit trail.
import { randomUUID } from 'node:crypto';
import { AwsError, invalidParameter } from '../errors';
import type { LogEvent, LogGroupRecord } from '../store';
import { pageOf } from './paging';
import type { Operations, ServiceContext } from './types';

type Input = Record<string, unknown>;

function requireName(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value.length < 1 || value.length > 512) {
    throw invalidParameter(`1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must have length between 1 and 512`);
  }
  return value;
}

/** Log groups are regional: each region has its own. */
function group(ctx: ServiceContext, name: string): LogGroupRecord {
  const found = ctx.store.region(ctx.region).logGroups.get(name);
  if (!found) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  return found;
}

/** A request value as AWS echoes it in a message; JSON for anything but a primitive. */
const echoed = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);

const invalidToken = () => invalidParameter('The specified nextToken is not valid.');

function limit(input: Input, max: number): number {
  const value = input.limit;
  if (value === undefined || value === null) return max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidParameter(
      `1 validation error detected: Value '${echoed(value)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return value;
}

function nextTokenOf(input: Input): string | undefined {
  return typeof input.nextToken === 'string' ? input.nextToken : undefined;
}

type Matcher = (message: string) => boolean;

function jsonPath(value: unknown, path: string[]): unknown {
  // Own properties only: a pattern such as `$.__proto__` or `$.constructor` must not reach a prototype.
  return path.reduce<unknown>(
    (current, key) => (current && typeof current === 'object' && Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined),
    value,
  );
}

type JsonTest = (parsed: unknown) => boolean;

/** A JSON pattern body: comparisons joined by `&&` and `||` (`&&` binds tighter), grouped by parentheses. */
function compileJsonPattern(body: string): Matcher {
  const tokens = [...body.matchAll(/\s*(&&|\|\||\(|\)|\$\.[\w.]+\s*(?:=|!=)\s*(?:"(?:[^"\\]|\\.)*"|[^\s"()&|]+)|\S)/g)].map((m) => m[1] ?? '');
  let at = 0;
  const fail = () => invalidParameter('Invalid filter pattern');
  const comparison = (token: string): JsonTest => {
    const match = /^\$\.([\w.]+)\s*(=|!=)\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(token);
    if (!match) throw fail();
    const [, path = '', op, quoted, bare] = match;
    const expected = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
    const prefix = expected.endsWith('*');
    const wanted = prefix ? expected.slice(0, -1) : expected;
    return (parsed) => {
      const actual = jsonPath(parsed, path.split('.'));
      const actualText = actual === undefined || actual === null ? undefined : echoed(actual);
      const equal = actualText !== undefined && (prefix ? actualText.startsWith(wanted) : actualText === wanted);
      return op === '=' ? equal : !equal;
    };
  };
  const primary = (): JsonTest => {
    const token = tokens[at++];
    if (token === undefined) throw fail();
    if (token === '(') {
      const inner = either();
      if (tokens[at++] !== ')') throw fail();
      return inner;
    }
    return comparison(token);
  };
  const both = (): JsonTest => {
    const parts = [primary()];
    while (tokens[at] === '&&') {
      at++;
      parts.push(primary());
    }
    return (parsed) => parts.every((part) => part(parsed));
  };
  const either = (): JsonTest => {
    const parts = [both()];
    while (tokens[at] === '||') {
      at++;
      parts.push(both());
    }
    return (parsed) => parts.some((part) => part(parsed));
  };
  const test = either();
  if (at !== tokens.length) throw fail();
  return (message) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return false;
    }
    return test(parsed);
  };
}

/** The filter-pattern forms the console uses: terms, "quoted phrases", ?alternatives, -exclusions, and `{ $.a = "b" && ($.c = "d" || …) }`. */
export function compileFilterPattern(pattern: string): Matcher {
  const text = pattern.trim();
  if (text === '') return () => true;
  if (text.startsWith('{') && text.endsWith('}')) return compileJsonPattern(text.slice(1, -1));
  const tokens = [...text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ mode: m[1] ?? '', term: m[2] ?? m[3] ?? '' }));
  const required = tokens.filter((t) => t.mode === '').map((t) => t.term);
  const optional = tokens.filter((t) => t.mode === '?').map((t) => t.term);
  const excluded = tokens.filter((t) => t.mode === '-').map((t) => t.term);
  return (message) =>
    required.every((term) => message.includes(term)) &&
    (optional.length === 0 || optional.some((term) => message.includes(term))) &&
    !excluded.some((term) => message.includes(term));
}

export const logsOperations: Operations = {
  CreateLogGroup: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const name = requireName(input, 'logGroupName');
      if (ctx.store.region(ctx.region).logGroups.has(name))
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      ctx.store.putLogGroup(ctx.region, { logGroupName: name, creationTime: Date.now(), streams: new Map() });
      return {};
    },
  },

  CreateLogStream: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const g = group(ctx, requireName(input, 'logGroupName'));
      const stream = requireName(input, 'logStreamName');
      if (g.streams.has(stream)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      ctx.store.putLogStream(ctx.region, g, stream, { creationTime: Date.now(), events: [] });
      return {};
    },
  },

  DescribeLogGroups: {
    handler(input: Input, ctx: ServiceContext) {
      const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
      const groups = [...ctx.store.region(ctx.region).logGroups.values()]
        .filter((g) => g.logGroupName.startsWith(prefix))
        .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
      const { items, nextToken } = pageOf(groups, nextTokenOf(input), limit(input, 50), invalidToken);
      return {
        logGroups: items.map((g) => ({
          logGroupName: g.logGroupName,
          creationTime: g.creationTime,
          ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
          metricFilterCount: 0,
          arn: `arn:aws:logs:${ctx.region}:${ctx.store.state.accountId}:log-group:${g.logGroupName}:*`,
          logGroupClass: 'STANDARD',
          logGroupArn: `arn:aws:logs:${ctx.region}:${ctx.store.state.accountId}:log-group:${g.logGroupName}`,
          storedBytes: [...g.streams.values()].reduce((n, s) => n + s.events.reduce((m, e) => m + e.message.length, 0), 0),
        })),
        ...(nextToken ? { nextToken } : {}),
      };
    },
  },

  PutLogEvents: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const g = group(ctx, requireName(input, 'logGroupName'));
      const streamName = requireName(input, 'logStreamName');
      const stream = g.streams.get(streamName);
      if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const events = input.logEvents;
      if (!Array.isArray(events) || events.length < 1 || events.length > 10_000) throw invalidParameter('logEvents must hold 1 to 10000 events.');
      const incoming: LogEvent[] = events.map((event) => {
        const { timestamp, message } = (event ?? {}) as Record<string, unknown>;
        if (typeof timestamp !== 'number' || typeof message !== 'string' || message.length < 1)
          throw invalidParameter('Each log event needs a timestamp and a non-empty message.');
        return { timestamp, message, ingestionTime: Date.now(), eventId: randomUUID().replace(/-/g, '') };
      });
      for (let i = 1; i < incoming.length; i++) {
        if (incoming[i]!.timestamp < incoming[i - 1]!.timestamp)
          throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
      }
      ctx.store.appendLogEvents(ctx.region, g, streamName, incoming);
      return { nextSequenceToken: Buffer.from(String(stream.events.length)).toString('base64url') };
    },
  },

  FilterLogEvents: {
    handler(input: Input, ctx: ServiceContext) {
      const g = group(ctx, requireName(input, 'logGroupName'));
      const names = Array.isArray(input.logStreamNames)
        ? (input.logStreamNames as unknown[]).filter((n): n is string => typeof n === 'string')
        : null;
      const namePrefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : null;
      if (names && namePrefix !== null) throw invalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
      const startTime = typeof input.startTime === 'number' ? input.startTime : -Infinity;
      const endTime = typeof input.endTime === 'number' ? input.endTime : Infinity;
      const pattern = typeof input.filterPattern === 'string' ? input.filterPattern : '';
      if (pattern.length > 1024)
        throw invalidParameter(
          "1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024",
        );
      const matches = compileFilterPattern(pattern);
      const all = [...g.streams]
        .filter(([name]) => (names ? names.includes(name) : namePrefix === null || name.startsWith(namePrefix)))
        .flatMap(([logStreamName, stream]) => stream.events.map((event) => ({ logStreamName, ...event })))
        .filter((event) => event.timestamp >= startTime && event.timestamp <= endTime && matches(event.message))
        .sort((a, b) => a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime);
      const { items, nextToken } = pageOf(all, nextTokenOf(input), limit(input, 10_000), invalidToken);
      return {
        events: items,
        searchedLogStreams: [],
        ...(nextToken ? { nextToken } : {}),
      };
    },
  },
};
