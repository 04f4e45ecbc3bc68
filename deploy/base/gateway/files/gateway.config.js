// Hive Gateway configuration for the 县属乡用 supergraph.
// Every setting has a safe production default; dev and tests override through the environment.
import { defineConfig, extractFromHeader } from '@graphql-hive/gateway';
import { createGraphQLError } from '@graphql-tools/utils';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';

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

// What the gateway fetches from the identity service sits on every request's path, so it is kept
// off it as far as safety allows: one fetch in flight per kind, a short timeout on each, no retry
// within `backoffMs` of a failure, and the last good value served meanwhile (stale-while-revalidate).
const identityTimeoutMs = Number(env.IDENTITY_TIMEOUT_SECONDS ?? '2') * 1000;
const backoffMs = 1000;
function refresher(fetchValue) {
  const state = { value: null, at: 0, failedAt: -Infinity, pending: null };
  state.age = () => (state.at ? Date.now() - state.at : Infinity);
  state.refresh = () => {
    if (!state.pending) {
      if (Date.now() - state.failedAt < backoffMs) return Promise.resolve(false);
      state.pending = fetchValue(AbortSignal.timeout(identityTimeoutMs))
        .then((value) => {
          state.value = value;
          state.at = Date.now();
          return true;
        })
        .catch(() => {
          state.failedAt = Date.now();
          return false;
        })
        .finally(() => {
          state.pending = null;
        });
    }
    return state.pending;
  };
  return state;
}
async function getJson(path, signal) {
  const response = await fetch(`${identityUrl}${path}`, { signal });
  if (!response.ok) throw new Error(`${path}: status ${response.status}`);
  return response.json();
}

// Revoked token ids, refreshed every `revocationTtlMs`. While identity does not answer, the last
// list is trusted for at most `revocationMaxAgeMs` (an access token's lifetime); with none, or an
// older one, tokens are refused (fail closed) and /readyz answers 503.
const revocationMaxAgeMs = Number(env.REVOCATION_MAX_AGE_SECONDS ?? '600') * 1000;
const revoked = refresher(async (signal) => new Set((await getJson('/oauth/revoked', signal)).jtis));
async function revokedJtis() {
  if (revoked.age() > revocationTtlMs) {
    if (revoked.age() > revocationMaxAgeMs) await revoked.refresh();
    else revoked.refresh();
  }
  if (revoked.age() > revocationMaxAgeMs) {
    throw unauthenticated('身份服务暂不可用，无法确认凭证未被撤销', 'revocation list unavailable (fail closed)');
  }
  return revoked.value;
}

// Requests per caller (the token's `sub`: a person, or a department system's client), as a token
// bucket: `rateBurst` at once, refilled at `ratePerSecond`. Beyond it the caller is told to wait
// (429, RATE_LIMITED with Retry-After) — one script or a stuck screen cannot take the graph from
// everyone else. In process memory, bounded by `rateMaxCallers` (the least recently seen go first):
// with N gateway replicas a caller gets N times the figure, which sizing takes into account.
const ratePerSecond = Number(env.GATEWAY_RATE_PER_SECOND ?? '20');
const rateBurst = Number(env.GATEWAY_RATE_BURST ?? '200');
const rateMaxCallers = 50000;
const buckets = new Map();
function takeRequest(caller) {
  const now = Date.now();
  const bucket = buckets.get(caller) ?? { tokens: rateBurst, at: now };
  buckets.delete(caller); // re-inserted below: the Map's order is least recently seen first
  bucket.tokens = Math.min(rateBurst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
  bucket.at = now;
  const allowed = bucket.tokens >= 1;
  if (allowed) bucket.tokens -= 1;
  buckets.set(caller, bucket);
  if (buckets.size > rateMaxCallers) buckets.delete(buckets.keys().next().value);
  return allowed ? 0 : Math.ceil((1 - bucket.tokens) / ratePerSecond);
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
      const wait = takeRequest(`${jwt.payload.kind ?? 'user'}:${jwt.payload.sub}`);
      if (wait) {
        throw createGraphQLError(`请求过于频繁，请 ${wait} 秒后再试`, {
          extensions: {
            code: 'RATE_LIMITED',
            detail: `more than ${rateBurst} requests at once or ${ratePerSecond}/s for this caller`,
            retryAfter: wait,
            http: { status: 429, headers: { 'Retry-After': String(wait) } },
          },
        });
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
  (env.GATEWAY_EXPENSIVE_FIELDS ?? 'exportRoster exportQuotaTable exportVacancies exportAssessmentResults rosterDiff').split(/\s+/),
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

// JWKS of the identity service, kept here as a map kid → public key. It is refreshed on its own
// schedule (`jwksCacheMs`, in the background while the old set serves); an unknown `kid` causes at
// most one fetch per `jwksMinRefreshMs` for the whole process (a newly rotated key is picked up)
// and is otherwise answered from the local set. A flood of made-up kids therefore costs one fetch
// and never the real key's availability (jwks-rsa spent its rate limit on them, then refused the
// real key's refetch: every caller got "Authentication is not available").
const jwksMinRefreshMs = Number(env.JWKS_MIN_REFRESH_SECONDS ?? '10') * 1000;
const jwks = refresher(async (signal) => {
  const body = await getJson('/.well-known/jwks.json', signal);
  const keys = new Map();
  for (const jwk of body.keys ?? []) {
    if (jwk.kid && jwk.kty === 'RSA') {
      keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
    }
  }
  return keys;
});
// The JWT plugin treats a provider error as "authentication unavailable" (a 500). For a kid that
// the key set does not list we answer with a key nothing was signed with, so the token fails
// verification and the caller gets a 401 like any other invalid token.
const { publicKey: noSuchKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
async function signingKey(kid) {
  if (!jwks.value) await jwks.refresh();
  else if (jwks.age() > jwksCacheMs) jwks.refresh();
  if (jwks.value && !jwks.value.has(kid) && jwks.age() > jwksMinRefreshMs) await jwks.refresh();
  return jwks.value?.get(kid) ?? noSuchKey;
}

// Ready when the supergraph is loaded (Hive's own check, asked over loopback) and this process can
// check tokens: it holds the signing keys and a current revocation list.
const gatewayPort = Number(env.GATEWAY_PORT ?? '4000');
function useReadiness() {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/readyz') return;
      if (revoked.age() > revocationTtlMs) await revoked.refresh();
      if (!jwks.value) await jwks.refresh();
      const graph = await fetch(`http://127.0.0.1:${gatewayPort}/readyz-supergraph`, {
        signal: AbortSignal.timeout(identityTimeoutMs),
      }).catch(() => ({ ok: false }));
      const reasons = [
        ...(revoked.age() > revocationMaxAgeMs ? ['no current revocation list'] : []),
        ...(jwks.value ? [] : ['no signing keys']),
        ...(graph.ok ? [] : ['supergraph not loaded']),
      ];
      endResponse(
        new fetchAPI.Response(JSON.stringify({ status: reasons.length ? 'unavailable' : 'ready', reasons }), {
          status: reasons.length ? 503 : 200,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}

// Our request id for every request (sent to each subgraph and back to the caller), and the id a
// client chose, if it has a request id's shape, kept beside it as x-client-request-id — never in
// its place, so logs and audit records carry an id nobody outside picked.
const requestIdShape = /^[A-Za-z0-9._:-]{1,100}$/;
function useRequestIds() {
  const ids = new WeakMap();
  return {
    onRequest({ request, serverContext }) {
      const client = request.headers.get('x-request-id');
      const own = { id: randomUUID().replaceAll('-', ''), client: client && requestIdShape.test(client) ? client : null };
      ids.set(request, own);
      if (serverContext?.log?.child) serverContext.log = serverContext.log.child({ requestId: own.id });
    },
    onFetch({ context, options, setOptions }) {
      const own = context?.request && ids.get(context.request);
      if (!own) return;
      const headers = { ...(options.headers || {}), 'x-request-id': own.id };
      if (own.client) headers['x-client-request-id'] = own.client;
      setOptions({ ...(options || {}), headers });
    },
    onResponse({ request, response }) {
      const own = ids.get(request);
      if (!own) return;
      response.headers.set('x-request-id', own.id);
      if (own.client) response.headers.set('x-client-request-id', own.client);
    },
  };
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
    exposedHeaders: ['x-request-id', 'x-client-request-id'],
    credentials: false,
    maxAge: 600,
  };
}

const subgraphUrl = (name, port) => env[`${name.toUpperCase()}_GRAPHQL_URL`] ?? `http://127.0.0.1:${port}/graphql`;

export const gatewayConfig = defineConfig({
  supergraph: env.SUPERGRAPH_PATH ?? './supergraph.graphql',
  port: gatewayPort,
  host: env.GATEWAY_HOST ?? '127.0.0.1',
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/healthz',
  // Hive's own check (the supergraph loaded); /readyz (useReadiness) adds the token checks to it.
  readinessCheckEndpoint: '/readyz-supergraph',
  landingPage: false,
  cors: corsFor,
  graphiql: dev,
  transportEntries: {
    identity: { location: subgraphUrl('identity', 4001) },
    personnel: { location: subgraphUrl('personnel', 4002) },
    assessment: { location: subgraphUrl('assessment', 4003) },
    platform: { location: subgraphUrl('platform', 4004) },
    notifications: { location: subgraphUrl('notifications', 4005) },
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
    useReadiness(),
    useRequestIds(),
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
  // Made here for every request (useRequestIds); the client's own id travels beside it.
  requestId: false,
  maxDepth: Number(env.GATEWAY_MAX_DEPTH ?? '12'),
  maxTokens: Number(env.GATEWAY_MAX_TOKENS ?? '4000'),
  blockFieldSuggestions: !dev,
  prometheus: { endpoint: '/metrics' },
});
