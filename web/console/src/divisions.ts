// The divisions the console can list (for city and province views, which ask each county in
// turn: the services' list endpoints take one county). From /divisions.json, replaceable by an
// operator with the province's own GB/T 2260 list; the demo province's list otherwise.
import { covers, DIVISIONS } from '@shared/labels'
import { ref } from 'vue'

export const divisions = ref<Record<string, string>>({ ...DIVISIONS })
let loaded: Promise<void> | null = null

export function loadDivisions(): Promise<void> {
  loaded ??= fetch('/divisions.json', { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => {
      if (body?.divisions) divisions.value = body.divisions
    })
    .catch(() => undefined)
  return loaded
}

export function nameOf(code: string): string {
  return divisions.value[code] ?? code
}

/** Counties (six digits not ending in 00) covered by a scope code, in code order. */
export function countiesIn(scope: string): string[] {
  if (!scope) return []
  if (!scope.endsWith('00')) return [scope]
  return Object.keys(divisions.value)
    .filter((c) => !c.endsWith('00') && covers(scope, c))
    .sort()
}

/** Run fn for each county, a few at a time (the browser keeps ~6 connections per origin). */
export async function perCounty<T>(counties: string[], fn: (county: string) => Promise<T>, width = 6): Promise<Map<string, T>> {
  const out = new Map<string, T>()
  let next = 0
  async function worker() {
    while (next < counties.length) {
      const county = counties[next++]
      try {
        out.set(county, await fn(county))
      } catch {
        /* one county failing leaves a gap in the chart, not an empty page */
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, counties.length) }, worker))
  return out
}

export function today(): string {
  // Deadlines are dates in Beijing time.
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86400000)
}
