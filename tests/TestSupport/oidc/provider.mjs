// A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider, a certified implementation) on 127.0.0.1,
// so the platform's OAuth connector is tested against a strict server rather than against our own idea of the spec.
//
//   node provider.mjs [--port 0] --client-id ID --redirect-uri URI [--redirect-uri URI ...]
//                     [--scope "chat:write channels:history repo read:file"] [--access-token-ttl 3600]
//                     [--exit-on-stdin-close]
//   The client secret comes from the environment (OIDC_CLIENT_SECRET) so that it does not show in process listings;
//   --client-secret is accepted for manual runs.
//
// When it listens it prints one JSON line on stdout, {"issuer":"http://127.0.0.1:PORT"}; everything else goes to stderr.
//
// The user is a fixed test account that is logged in and consents automatically, so a test playing the browser can
// follow redirects without filling in forms. Adding ?deny=1 to the interaction URL makes the user refuse instead,
// which ends the flow with error=access_denied at the client's redirect URI.
//
// Kept as oidc-provider does it (tests rely on it): PKCE S256 is required; reusing an authorization code fails with
// invalid_grant and revokes the whole grant, so tokens from the first exchange stop working.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    scope: { type: 'string', default: 'chat:write channels:history repo read:file' },
    'access-token-ttl': { type: 'string', default: '3600' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

const clientId = args['client-id'] ?? process.env.OIDC_CLIENT_ID ?? fail('--client-id (or OIDC_CLIENT_ID) is required');
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? args['client-secret'] ?? fail('OIDC_CLIENT_SECRET (or --client-secret) is required');
const redirectUris = args['redirect-uri'] ?? (process.env.OIDC_REDIRECT_URIS ?? '').split(' ').filter(Boolean);
if (redirectUris.length === 0) fail('at least one --redirect-uri (or OIDC_REDIRECT_URIS) is required');
const connectorScopes = args.scope.split(' ').filter(Boolean);
const accessTokenTtl = Number.parseInt(args['access-token-ttl'], 10);
if (!(accessTokenTtl > 0)) fail('--access-token-ttl must be a positive number of seconds');
const port = Number.parseInt(args.port, 10);

// Connector scopes belong to an API (a resource server, RFC 8707), not to OpenID Connect; oidc-provider only puts
// them in an access token issued for a resource, so every request gets this one by default.
const resource = 'urn:platform-test:connector-api';
const testAccountId = 'test-user';
const day = 24 * 60 * 60;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'offline_access', ...connectorScopes],
  claims: { openid: ['sub'] },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  pkce: { methods: ['S256'], required: () => true },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: connectorScopes.join(' '),
        accessTokenFormat: 'opaque',
        accessTokenTTL: accessTokenTtl,
      }),
    },
  },
  // Always, not only with offline_access (which oidc-provider honours only with prompt=consent): connectors need
  // refresh tokens and real providers (Slack, GitHub apps) issue them without an extra scope.
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Every refresh returns a new refresh token and consumes the old one, as rotating providers do.
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: accessTokenTtl,
    AuthorizationCode: 60,
    Grant: 14 * day,
    IdToken: 3600,
    Interaction: 600,
    RefreshToken: 14 * day,
    Session: 14 * day,
  },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: (ctx, out) => {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = out;
  },
});

provider.on('server_error', (_ctx, error) => process.stderr.write(`server_error: ${error?.stack ?? error}\n`));

// The fixed user: logs in and grants exactly what the interaction asks for, or refuses when ?deny=1 is present.
async function interact(req, res, deny) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  let result;
  if (deny) {
    result = { error: 'access_denied', error_description: 'the test user refused' };
  } else if (prompt.name === 'login') {
    result = { login: { accountId: testAccountId } };
  } else if (prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    result = { error: 'access_denied', error_description: `unexpected prompt ${prompt.name}` };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
    interact(req, res, url.searchParams.get('deny') === '1').catch((error) => {
      process.stderr.write(`interaction failed: ${error?.stack ?? error}\n`);
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'application/json' });
      }
      res.end(JSON.stringify({ error: 'interaction_failed' }));
    });
    return;
  }
  callback(req, res);
});

// A test process that dies without disposing its fixture closes our stdin; leaving then avoids orphaned servers.
if (args['exit-on-stdin-close']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
