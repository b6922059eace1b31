// OIDC authorization code flow with PKCE (RFC 7636, S256) against the province's identity
// provider, as a public client: no client secret in the browser. The verifier and state live in
// sessionStorage between the redirect out and the callback, and are removed once used.
import type { ClientConfig } from './session'

const VERIFIER = 'wuying.oidc.verifier'
const STATE = 'wuying.oidc.state'

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function random(n = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(n)))
}

async function discovery(issuer: string): Promise<any> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`, { credentials: 'omit' })
  if (!res.ok) throw new Error('无法读取身份认证服务的配置')
  return res.json()
}

export async function startSignIn(config: NonNullable<ClientConfig['oidc']>): Promise<void> {
  const meta = await discovery(config.issuer)
  const verifier = random(48)
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  const state = random(16)
  sessionStorage.setItem(VERIFIER, verifier)
  sessionStorage.setItem(STATE, state)
  const url = new URL(meta.authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: location.origin + config.redirectPath,
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString()
  location.assign(url.toString())
}

/** The callback: checks the state, trades the code and the verifier for tokens. */
export async function finishSignIn(config: NonNullable<ClientConfig['oidc']>, params: URLSearchParams): Promise<string> {
  const verifier = sessionStorage.getItem(VERIFIER)
  const state = sessionStorage.getItem(STATE)
  sessionStorage.removeItem(VERIFIER)
  sessionStorage.removeItem(STATE)
  if (params.get('error')) throw new Error(`身份认证服务拒绝登录：${params.get('error_description') ?? params.get('error')}`)
  if (!verifier || !state || params.get('state') !== state) throw new Error('登录请求已失效或被篡改，请重新登录')
  const code = params.get('code')
  if (!code) throw new Error('身份认证服务没有返回授权码')
  const meta = await discovery(config.issuer)
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    credentials: 'omit',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: location.origin + config.redirectPath,
      client_id: config.clientId,
      code_verifier: verifier,
    }),
  })
  if (!res.ok) throw new Error('换取访问令牌失败，请重新登录')
  const body = await res.json()
  // The services verify the access token (a JWT carrying roles and counties).
  const token = body.access_token ?? body.id_token
  if (!token) throw new Error('身份认证服务没有返回访问令牌')
  return token
}
