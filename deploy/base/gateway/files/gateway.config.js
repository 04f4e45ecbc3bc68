// Hive Gateway configuration for the 县属乡用 supergraph.
// Every setting has a safe production default; dev and tests override through the environment.
import {
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  extractFromHeader,
} from '@graphql-hive/gateway';
import { createGraphQLError } from '@graphql-tools/utils';
import { generateKeyPairSync } from 'node:crypto';

const env = process.env;
const identityUrl = env.IDENTITY_URL ?? 'http://127.0.0.1:4001';
const issuer = env.ISSUER ?? identityUrl;
const audience = env.AUDIENCE ?? 'county-api';
const dev = (env.ENVIRONMENT ?? 'dev') === 'dev';
const revocationTtlMs = Number(env.REVOCATION_REFRESH_SECONDS ?? '2') * 1000;
const jwksCacheMs = Number(env.JWKS_CACHE_SECONDS ?? '300') * 1000;
// Scopes the identity service can grant; a token carrying any other scope is refused.
const knownScopes = new Set(
  (env.KNOWN_SCOPES ?? 'openid profile api offline_access roster:read events:report events:status events:read').split(/\s+/),
);

function unauthenticated(message, detail) {
  return createGraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', detail, http: { status: 401 } },
  });
}

// Revoked token ids, refreshed from the identity service at most every `revocationTtlMs`.
const revoked = { jtis: new Set(), at: 0, pending: null };
async function revokedJtis() {
  if (Date.now() - revoked.at < revocationTtlMs) return revoked.jtis;
  revoked.pending ??= fetch(`${identityUrl}/oauth/revoked`)
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`status ${r.status}`))))
    .then((body) => {
      revoked.jtis = new Set(body.jtis);
      revoked.at = Date.now();
    })
    .catch(() => {
      /* keep the last known list: the identity service being down must not open or close the graph */
    })
    .finally(() => {
      revoked.pending = null;
    });
  await revoked.pending;
  return revoked.jtis;
}

// What the JWT plugin does not check: the RFC 9068 `typ`, revocation, and unknown scopes.
function useTokenPolicy() {
  return {
    async onExecute({ args }) {
      const jwt = args.contextValue.jwt;
      if (!jwt?.payload) throw unauthenticated('缺少访问凭证', 'missing token');
      // The claims every subgraph requires: a token the subgraphs would refuse stops here.
      for (const claim of ['exp', 'jti', 'sub', 'client_id']) {
        if (jwt.payload[claim] === undefined || jwt.payload[claim] === null || jwt.payload[claim] === '') {
          throw unauthenticated('凭证无效', `missing claim ${claim}`);
        }
      }
      const header = JSON.parse(Buffer.from(jwt.token.value.split('.')[0], 'base64url').toString());
      if (String(header.typ).toLowerCase() !== 'at+jwt') {
        throw unauthenticated('凭证类型错误', 'not an RFC 9068 access token');
      }
      if ((await revokedJtis()).has(jwt.payload.jti)) {
        throw unauthenticated('凭证已被撤销', 'token revoked');
      }
      const unknown = String(jwt.payload.scope ?? '')
        .split(' ')
        .filter((s) => s && !knownScopes.has(s));
      if (unknown.length) throw unauthenticated('凭证包含未知权限范围', `unknown scopes: ${unknown.join(' ')}`);
    },
  };
}

// Errors raised by the gateway itself (JWT plugin, depth/token limits, validation) get the same
// `extensions.code` vocabulary as the subgraphs' errors, so front-ends handle one shape.
const gatewayErrors = {
  Unauthenticated: ['UNAUTHENTICATED', '未登录或凭证无效'],
  'Invalid authentication token provided': ['UNAUTHENTICATED', '凭证无效或已过期'],
  'Authentication header was set, but token is missing.': ['UNAUTHENTICATED', '访问凭证格式错误'],
  'Unauthorized field or type': ['FORBIDDEN', '凭证的权限范围不允许访问该字段'],
};
// graphql-js and Yoga name malformed requests in their own words; callers see one code for them.
const inputCodes = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);
function withCode(error) {
  const ext = error.extensions ?? {};
  if (inputCodes.has(ext.code)) {
    return createGraphQLError(error.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { ...ext, code: 'BAD_USER_INPUT', graphqlCode: ext.code },
    });
  }
  if (ext.code === 'UNAUTHORIZED_FIELD_OR_TYPE') {
    return createGraphQLError('凭证的权限范围不允许访问该字段', {
      nodes: error.nodes,
      path: error.path,
      extensions: { ...ext, code: 'FORBIDDEN', detail: error.message },
    });
  }
  if (ext.code) return error;
  const status = ext.http?.status;
  const [code, message] = gatewayErrors[error.message] ?? [
    status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'BAD_USER_INPUT',
    error.message,
  ];
  return createGraphQLError(message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { ...ext, code, detail: error.message },
  });
}
function useErrorCodes() {
  return {
    onResultProcess({ result, setResult }) {
      if (result && Array.isArray(result.errors) && result.errors.length) {
        setResult({ ...result, errors: result.errors.map(withCode) });
      }
    },
  };
}

// What one request may cost. Depth and tokens are limited by the gateway's own options below;
// aliases are not, and without a limit 640 aliased exports fit under the token limit (~60 s of CPU).
// Fields that build a whole file (Excel exports) are allowed `expensivePerRequest` times per request.
const maxAliases = Number(env.GATEWAY_MAX_ALIASES ?? '15');
const expensiveFields = new Set(
  (env.GATEWAY_EXPENSIVE_FIELDS ?? 'exportRoster exportQuotaTable exportVacancies exportAssessmentResults').split(/\s+/),
);
const expensivePerRequest = Number(env.GATEWAY_EXPENSIVE_PER_REQUEST ?? '1');
// A plain validation rule (no extra package: the official gateway image runs this file as it is).
// Every Field node of the document is visited once, fragments included.
function useRequestCost() {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule((context) => {
        let aliases = 0;
        let expensive = 0;
        const refuse = (node, message, detail) =>
          context.reportError(createGraphQLError(message, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', detail } }));
        return {
          Field(node) {
            if (node.alias && node.alias.value !== node.name.value && ++aliases === maxAliases + 1) {
              refuse(node, `别名过多 (至多 ${maxAliases} 个)`, `more than ${maxAliases} aliases`);
            }
            if (expensiveFields.has(node.name.value) && ++expensive === expensivePerRequest + 1) {
              refuse(node, `至多请求 ${expensivePerRequest} 个导出字段`, `at most ${expensivePerRequest} export field(s) per request`);
            }
          },
        };
      });
    },
  };
}

// The gateway sends each root field of a mutation to its subgraph as a request of its own, and each
// commits on its own: `mutation { a b }` with b refused would keep a. A request therefore carries
// one mutation field, and the promise "one request, one transaction" holds end to end. Several
// changes at once go through the batch mutations (e.g. setAssessmentScores).
function rootFields(context, selectionSet, seen = new Set()) {
  const fields = [];
  for (const sel of selectionSet.selections) {
    if (sel.kind === 'Field') {
      if (sel.name.value !== '__typename') fields.push(sel);
    } else if (sel.kind === 'InlineFragment') {
      fields.push(...rootFields(context, sel.selectionSet, seen));
    } else if (sel.kind === 'FragmentSpread' && !seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const fragment = context.getFragment(sel.name.value);
      if (fragment) fields.push(...rootFields(context, fragment.selectionSet, seen));
    }
  }
  return fields;
}
function useOneMutationPerRequest() {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule((context) => ({
        OperationDefinition(node) {
          if (node.operation !== 'mutation') return;
          const fields = rootFields(context, node.selectionSet);
          if (fields.length > 1) {
            context.reportError(
              createGraphQLError('每个请求只能包含一个变更字段 (多项变更请用批量变更)', {
                nodes: fields,
                extensions: {
                  code: 'BAD_USER_INPUT',
                  detail: 'one mutation field per request: each would commit on its own in its subgraph',
                },
              }),
            );
          }
        },
      }));
    },
  };
}

// JWKS of the identity service. An unknown `kid` (a forged token, or a retired key) is an
// authentication failure, not a server error.
const remoteJwks = createRemoteJwksSigningKeyProvider({
  jwksUri: `${identityUrl}/.well-known/jwks.json`,
  cache: true,
  cacheMaxAge: jwksCacheMs,
  // an unknown `kid` triggers a refetch, so a newly rotated key is picked up at once
  rateLimit: true,
  jwksRequestsPerMinute: 60,
});
// The JWT plugin treats a provider error as "authentication unavailable" (a 500). For a kid that
// the JWKS does not list we answer with a key nothing was signed with, so the token fails
// verification and the caller gets a 401 like any other invalid token.
const { publicKey: noSuchKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
async function signingKey(kid) {
  try {
    return await remoteJwks(kid);
  } catch (error) {
    if (error?.name === 'SigningKeyNotFoundError') return noSuchKey;
    throw error;
  }
}

// Browser apps allowed to call the API (CORS), as an allow-list: comma-separated origins in
// CORS_ORIGINS; in dev the web console's (built on :4080, `npm run dev` on :5173). Any other origin gets no CORS headers at all (the default
// of the server library would reflect any origin).
const corsOrigins = new Set(
  (env.CORS_ORIGINS ?? (dev ? 'http://127.0.0.1:4080,http://localhost:4080,http://127.0.0.1:5173,http://localhost:5173' : ''))
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean),
);
function corsFor(request) {
  const origin = request.headers.get('origin');
  if (!origin || !corsOrigins.has(origin)) return false;
  return {
    origin: [origin],
    methods: ['POST', 'GET', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    credentials: false,
    maxAge: 600,
  };
}

const subgraphUrl = (name, port) => env[`${name.toUpperCase()}_GRAPHQL_URL`] ?? `http://127.0.0.1:${port}/graphql`;

export const gatewayConfig = defineConfig({
  supergraph: env.SUPERGRAPH_PATH ?? './supergraph.graphql',
  port: Number(env.GATEWAY_PORT ?? '4000'),
  host: env.GATEWAY_HOST ?? '127.0.0.1',
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/healthz',
  readinessCheckEndpoint: '/readyz',
  landingPage: false,
  cors: corsFor,
  graphiql: dev,
  transportEntries: {
    identity: { location: subgraphUrl('identity', 4001) },
    personnel: { location: subgraphUrl('personnel', 4002) },
    assessment: { location: subgraphUrl('assessment', 4003) },
    platform: { location: subgraphUrl('platform', 4004) },
  },
  jwt: {
    signingKeyProviders: [signingKey],
    tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
    tokenVerification: { issuer, audience, algorithms: ['RS256'] },
    reject: { missingToken: true, invalidToken: true },
  },
  // The subgraphs' @authenticated / @requiresScopes directives, enforced before any subgraph is called.
  genericAuth: {
    mode: 'protect-granular',
    resolveUserFn: (context) => context.jwt?.payload ?? null,
    extractScopes: (user) => String(user.scope ?? '').split(' ').filter(Boolean),
    rejectUnauthenticated: true,
  },
  plugins: () => [
    useTokenPolicy(),
    useRequestCost(),
    useOneMutationPerRequest(),
    useErrorCodes(),
  ],
  // The schema is published as SDL in the repository (gateway/supergraph.graphql) and in GraphiQL in
  // dev; a production gateway does not hand its map to whoever asks.
  disableIntrospection: dev ? undefined : { disableIf: () => true },
  // Every subgraph verifies the token again (defense in depth): pass it on.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
  // Taken from the client or made here; sent to every subgraph and back in the response.
  requestId: { headerName: 'x-request-id' },
  maxDepth: Number(env.GATEWAY_MAX_DEPTH ?? '12'),
  maxTokens: Number(env.GATEWAY_MAX_TOKENS ?? '4000'),
  blockFieldSuggestions: !dev,
  prometheus: { endpoint: '/metrics' },
});
