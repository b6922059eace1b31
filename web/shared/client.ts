// The thin client both front ends use: one call per operationId from the generated table, so a
// path or a role exists here only if the service's OpenAPI says so. Tolerant on the way back:
// unknown fields are kept, lists may come bare or as {items}, errors are the house shape
// {"error": {"code", "message", "fields"}} or, from a proxy, anything at all.
import { OPERATIONS, type OperationId } from './api/operations'

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: Record<string, string> = {},
  ) {
    super(message)
  }
}

export interface CallOptions {
  path?: Record<string, string | number>
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  token?: string | null
  accept?: string
}

export function urlFor(id: OperationId, opts: CallOptions = {}): string {
  let url: string = OPERATIONS[id].path
  for (const [k, v] of Object.entries(opts.path ?? {})) url = url.replace(`{${k}}`, encodeURIComponent(String(v)))
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const qs = q.toString()
  return qs ? `${url}?${qs}` : url
}

export async function call<T = any>(id: OperationId, opts: CallOptions = {}): Promise<T> {
  const op = OPERATIONS[id]
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`
  let res: Response
  try {
    res = await fetch(urlFor(id, opts), {
      method: op.method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试')
  }
  const text = await res.text()
  if (!res.ok) {
    let err: any = null
    try {
      err = JSON.parse(text)?.error
    } catch {
      /* a proxy's HTML page: fall through to the generic message */
    }
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? httpMessage(res.status),
      typeof err?.fields === 'object' && err.fields ? flatten(err.fields) : {},
    )
  }
  if ((opts.accept ?? 'application/json') !== 'application/json') return text as T
  return (text ? JSON.parse(text) : null) as T
}

/** Lists may be a bare array or {items: [...]} while services evolve. */
export function items<T = any>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[]
  if (value && typeof value === 'object' && Array.isArray((value as any).items)) return (value as any).items
  return []
}

function flatten(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields)) out[k] = Array.isArray(v) ? v.join('；') : String(v)
  return out
}

function httpMessage(status: number): string {
  if (status === 401) return '登录已失效，请重新登录'
  if (status === 403) return '当前账号无权执行该操作'
  if (status === 404) return '未找到相关内容'
  if (status === 413) return '提交的内容过大'
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status >= 500) return '服务暂时不可用，请稍后再试'
  return '请求未能完成'
}

/** Who may call an operation: null roles = public, [] = any signed-in staff. */
export function allowed(id: OperationId, roles: readonly string[]): boolean {
  const need = OPERATIONS[id].roles as readonly string[] | null
  if (need === null || need.length === 0) return true
  return need.some((r) => roles.includes(r))
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const detail = Object.entries(e.fields)
      .map(([k, v]) => `${k}：${v}`)
      .join('；')
    return detail ? `${e.message}（${detail}）` : e.message
  }
  return '操作未能完成，请稍后重试'
}

/** A file from an operation (e.g. a PDF), saved by the browser under the server's file name. */
export async function download(id: OperationId, opts: CallOptions, fallbackName: string): Promise<void> {
  const op = OPERATIONS[id]
  const res = await fetch(urlFor(id, opts), {
    method: op.method,
    headers: { 'Content-Type': 'application/json', ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'omit',
    cache: 'no-store',
  })
  if (!res.ok) {
    const err = await res.json().catch(() => null)
    throw new ApiError(res.status, err?.error?.code ?? `http_${res.status}`, err?.error?.message ?? httpMessage(res.status))
  }
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(res.headers.get('Content-Disposition') ?? '')?.[1]
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name ? decodeURIComponent(name) : fallbackName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 30000)
}
