// The signed-in staff member. The token lives in sessionStorage (this tab only, gone when it
// closes) — never in a cookie — and every API call carries it as a bearer token.
import { call, type CallOptions } from '@shared/client'
import type { OperationId } from '@shared/api/operations'
import { allowed } from '@shared/client'
import { computed, reactive } from 'vue'

const KEY = 'wuying.console.token'

export interface Claims {
  sub: string
  name?: string
  roles: string[]
  counties: string[]
  exp?: number
}

export interface ClientConfig {
  app: string
  devSignIn: boolean
  oidc: { issuer: string; clientId: string; scope: string; redirectPath: string } | null
}

function decode(token: string): Claims | null {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    )
    const c = JSON.parse(json)
    // An identity provider's token may name roles and counties under other claims; the services
    // read `roles` and `counties`, so those are what the console shows too.
    return {
      sub: String(c.sub ?? ''),
      name: c.name ?? c.preferred_username ?? '',
      roles: Array.isArray(c.roles) ? c.roles : [],
      counties: Array.isArray(c.counties) ? c.counties : [],
      exp: c.exp,
    }
  } catch {
    return null
  }
}

export const session = reactive({
  token: null as string | null,
  claims: null as Claims | null,
  config: null as ClientConfig | null,
})

export const signedIn = computed(() => !!session.token && !!session.claims)
export const roles = computed(() => session.claims?.roles ?? [])
/** The division the user works in: a county, a city or the province. */
export const scope = computed(() => session.claims?.counties[0] ?? '')

export function restore(): void {
  const token = sessionStorage.getItem(KEY)
  const claims = token ? decode(token) : null
  if (token && claims && (!claims.exp || claims.exp * 1000 > Date.now())) {
    session.token = token
    session.claims = claims
  } else {
    sessionStorage.removeItem(KEY)
  }
}

export function signIn(token: string): boolean {
  const claims = decode(token)
  if (!claims) return false
  sessionStorage.setItem(KEY, token)
  session.token = token
  session.claims = claims
  return true
}

export function signOut(): void {
  sessionStorage.removeItem(KEY)
  session.token = null
  session.claims = null
}

export async function loadConfig(): Promise<ClientConfig> {
  if (session.config) return session.config
  try {
    const res = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' })
    session.config = res.ok ? await res.json() : { app: 'console', devSignIn: false, oidc: null }
  } catch {
    session.config = { app: 'console', devSignIn: false, oidc: null }
  }
  return session.config!
}

/** An API call as the signed-in user; a 401 signs out (the token expired or was revoked). */
export async function api<T = any>(id: OperationId, opts: CallOptions = {}): Promise<T> {
  try {
    return await call<T>(id, { ...opts, token: session.token })
  } catch (e: any) {
    if (e?.status === 401) {
      signOut()
      location.assign('/signin')
    }
    throw e
  }
}

/** Whether the user's roles allow an operation (the service decides; this hides buttons). */
export function can(id: OperationId): boolean {
  return signedIn.value && allowed(id, roles.value)
}

export function hasRole(...want: string[]): boolean {
  return want.some((r) => roles.value.includes(r))
}
