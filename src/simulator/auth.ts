/**
 * OAuth clients, the client-credentials token endpoint and bearer-token checks. Authorization is
 * by the permissions of the client's roles, never by `scope` (docs/genesys/facts.md §4).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../timers/clock';
import { SimHttpError } from './errors';
import type { Reply } from './http-util';
import type { SimClientSpec } from './types';

interface RegisteredClient {
  spec: SimClientSpec;
  permissions: Set<string>;
}

interface IssuedToken {
  clientId: string;
  /** Epoch ms (injected clock). */
  expiresAt: number;
}

/** The OAuth-style error body Genesys's login host answers with (see README). */
function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, description, error_description: description } };
}

export class SimAuth {
  private readonly clients = new Map<string, RegisteredClient>();
  private tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  register(spec: SimClientSpec): void {
    this.clients.set(spec.clientId, { spec: { ...spec }, permissions: new Set(spec.permissions) });
  }

  client(clientId: string): RegisteredClient | undefined {
    return this.clients.get(clientId);
  }

  /** Client id named by a Basic authorization header, whether or not the secret is right. */
  basicClientId(authorization: string | undefined): string | undefined {
    return parseBasic(authorization)?.id;
  }

  /** POST /oauth/token: Basic auth + `grant_type=client_credentials` form. */
  token(authorization: string | undefined, form: Record<string, string>): Reply {
    const credentials = parseBasic(authorization);
    const client = credentials ? this.clients.get(credentials.id) : undefined;
    if (!credentials || client?.spec.clientSecret !== credentials.secret) {
      return oauthError(401, 'invalid_client', 'authentication failed');
    }
    if (form.grant_type !== 'client_credentials') {
      return oauthError(
        400,
        'unsupported_grant_type',
        `grant type ${form.grant_type ?? '(none)'} is not supported`,
      );
    }
    // A `scope` form parameter is ignored: client-credentials tokens carry the client's roles.
    const accessToken = randomBytes(48).toString('base64url');
    this.tokens.set(accessToken, {
      clientId: credentials.id,
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
    });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'bearer', expires_in: this.ttlSeconds },
    };
  }

  /** Client id for a valid `Bearer` header; throws 401 otherwise. */
  authenticate(authorization: string | undefined): string {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new SimHttpError(401, 'authentication.required');
    }
    const issued = this.tokens.get(match[1]);
    if (!issued || issued.expiresAt <= this.clock.now() || !this.clients.has(issued.clientId)) {
      throw new SimHttpError(401, 'bad.credentials');
    }
    return issued.clientId;
  }

  /** Client id behind a bearer header without validating it (for request records). */
  tokenClientId(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    return match?.[1] === undefined ? undefined : this.tokens.get(match[1])?.clientId;
  }

  /** Invalidates every issued token. */
  expireAll(): void {
    this.tokens = new Map();
  }
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
