// A real OpenID Connect provider for the console's sign-in test: panva's oidc-provider (the
// OpenID-certified Node implementation), with small sign-in and consent pages in Chinese in
// place of the library's development pages. It stands in for the province's identity provider:
// authorization code + PKCE (S256, required) for the console as a public client, RS256 JWT
// access tokens for the services' audience with the claims they read (sub, name, roles,
// counties; iss, aud, iat, exp) and the signing key in its JWKS.
//
// Configured by the environment (tests/browser/test_oidc.py starts it):
//   OIDC_PORT           where to listen on 127.0.0.1
//   OIDC_CLIENT_ID      the console's client id
//   OIDC_REDIRECT_URI   the console's /auth/callback
//   OIDC_AUDIENCES      resource servers (comma-separated): the services' audience first, any
//                       other one after it (a token for it must be refused by the services)
//   OIDC_ACCOUNTS       JSON {login: {password, name, roles, counties}}
// Prints one line `ready <issuer>` once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import http from 'node:http'
import Provider, { errors } from 'oidc-provider'

const env = process.env
const port = Number(env.OIDC_PORT)
const issuer = `http://127.0.0.1:${port}`
const clientId = env.OIDC_CLIENT_ID
const audiences = (env.OIDC_AUDIENCES ?? '').split(',').filter(Boolean)
const accounts = JSON.parse(env.OIDC_ACCOUNTS ?? '{}')
const RESOURCE_SCOPE = 'wuying'

// A fresh RSA key per run: the services learn it from the JWKS, never from a file.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' }

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_name: '无影灯 工作人员控制台',
      token_endpoint_auth_method: 'none', // a public client: PKCE instead of a secret
      redirect_uris: [env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: ['name'] },
  scopes: ['openid', 'profile', RESOURCE_SCOPE],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // The console names no resource: its tokens are for the services.
      defaultResource: (ctx, client, oneOf) => oneOf ?? audiences[0],
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (!audiences.includes(resource)) throw new errors.InvalidTarget()
        return {
          scope: RESOURCE_SCOPE,
          audience: resource,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }
      },
    },
  },
  // The services read roles and counties from the access token itself.
  extraTokenClaims: (ctx, token) => {
    const account = accounts[token.accountId]
    if (!account || token.kind !== 'AccessToken') return undefined
    return { name: account.name, roles: account.roles, counties: account.counties }
  },
  findAccount: (ctx, id) =>
    accounts[id] ? { accountId: id, claims: () => ({ sub: id, name: accounts[id].name }) } : undefined,
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The console calls the token endpoint from its own origin: allowed for the origin of its
  // redirect URI only (what oidc-provider 9 does by default).
  clientBasedCORS: (ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
  renderError: (ctx, out) => {
    ctx.type = 'html'
    ctx.body = page('登录出错', `<p role="alert">${escape(out.error)}：${escape(out.error_description ?? '')}</p>`)
  },
})

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(title, body) {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title} · 全省统一身份认证平台</title>
<style>body{font-family:sans-serif;background:#f2f4f7;margin:0}main{max-width:420px;margin:10vh auto;background:#fff;padding:28px 32px;border-radius:6px}
h1{font-size:20px;color:#1f4e8c}label{display:block;margin:14px 0 6px;font-weight:600}input{width:100%;padding:8px;box-sizing:border-box}
button{margin-top:20px;padding:9px 22px;background:#1f4e8c;color:#fff;border:0;border-radius:4px;font-size:15px}.hint{color:#666;font-size:13px}</style>
</head><body><main><h1>全省统一身份认证平台</h1>${body}</main></body></html>`
}

async function form(req) {
  let raw = ''
  for await (const chunk of req) raw += chunk
  return new URLSearchParams(raw)
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(html)
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) return send(res, 400, page('登录出错', '<p role="alert">登录请求已失效，请重新登录。</p>'))
  const { prompt, params } = details
  if (req.method === 'GET' && prompt.name === 'login') {
    return send(
      res,
      200,
      page(
        '登录',
        `<p class="hint">“${escape((await provider.Client.find(params.client_id))?.clientName ?? params.client_id)}” 请求您登录。</p>
<form method="post" action="/interaction/${uid}/login">
<label for="login">用户名</label><input id="login" name="login" autocomplete="username" required>
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button></form>`,
      ),
    )
  }
  if (req.method === 'GET' && prompt.name === 'consent') {
    return send(
      res,
      200,
      page(
        '授权确认',
        `<p>“无影灯 工作人员控制台” 请求使用您的：</p>
<ul><li>身份标识和姓名</li><li>角色和管辖地区（访问无影灯各业务服务）</li></ul>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">同意并继续</button></form>`,
      ),
    )
  }
  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const body = await form(req)
    const account = accounts[body.get('login')]
    if (!account || account.password !== body.get('password')) {
      return send(res, 401, page('登录', '<p role="alert">用户名或密码错误。</p>'))
    }
    return provider.interactionFinished(req, res, { login: { accountId: body.get('login') } }, { mergeWithLastSubmission: false })
  }
  if (req.method === 'POST' && action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id })
    const missing = prompt.details
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    const grantId = await grant.save()
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
  }
  return send(res, 400, page('登录出错', '<p role="alert">无法处理该请求。</p>'))
}

const callback = provider.callback()
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(new URL(req.url, issuer).pathname)
  if (!match) return callback(req, res)
  interaction(req, res, match[1], match[2]).catch((err) => {
    console.error(err)
    send(res, 500, page('登录出错', '<p role="alert">身份认证服务内部错误。</p>'))
  })
})
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`))
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)))
