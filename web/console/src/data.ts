// Loading across a scope. Warnings and reports are asked once at the scope's own code (the
// services roll a city or province code up over its counties); inspection plans match the county
// exactly, so a city or province asks each county in turn.
import { items } from '@shared/client'
import { countiesIn, divisions, loadDivisions, perCounty } from './divisions'
import { api } from './session'

type Query = Record<string, string | number | undefined>

// The services' largest pages (OpenAPI `limit` maximum).
const WARNING_LIMIT = 1000 // list_warnings: newest first
const REPORT_PAGE = 500 // list_reports: newest first

async function across<T>(scope: string, one: (county: string) => Promise<unknown>): Promise<T[]> {
  await loadDivisions()
  const results = await perCounty(countiesIn(scope), one)
  return [...results.values()].flatMap((v) => items<T>(v))
}

/** The parts of a scope to ask one by one: a province's cities (or a county with no listed
 * city), a city's counties. */
function partsOf(code: string): string[] {
  const counties = countiesIn(code)
  if (!code.endsWith('0000')) return counties
  const parts = new Set<string>()
  for (const c of counties) {
    const city = c.slice(0, 4) + '00'
    parts.add(city in divisions.value ? city : c)
  }
  return [...parts]
}

/** A scope's warnings in one read; when a full page may have been cut short, each part of the
 * scope is asked instead. */
export async function warningsIn(scope: string, query: Query = {}): Promise<any[]> {
  await loadDivisions()
  const found = items(await api('warning.list_warnings', { query: { limit: WARNING_LIMIT, ...query, county: scope } }))
  if (found.length < WARNING_LIMIT || !scope.endsWith('00')) return found
  const parts = await perCounty(partsOf(scope), (part) => warningsIn(part, query))
  return [...parts.values()].flat()
}

/** A scope's reports, newest first, page by page up to `most`, following the answer's `next`
 * cursor (every list answers `{items, next}`; `next` is null on the last page). */
export async function reportsIn(scope: string, query: Query = {}, most = REPORT_PAGE): Promise<any[]> {
  const found: any[] = []
  let cursor: string | undefined
  do {
    const paging = cursor ? { cursor } : {}
    const answer: any = await api('intake.list_reports', { query: { ...query, county: scope, limit: REPORT_PAGE, ...paging } })
    found.push(...items(answer))
    cursor = answer && !Array.isArray(answer) ? (answer.next ?? undefined) : undefined
  } while (cursor && found.length < most)
  return found
}

export function plansIn(scope: string, year: number) {
  return across<any>(scope, (county) => api('inspection.list_plans', { query: { county, year, limit: 500 } }))
}

/** The first deadline of a report that is still open (not met, not waived). */
export function openDeadline(report: any): any | null {
  const open = (report.deadlines ?? []).filter((d: any) => !d.met_on && !d.waived && d.due)
  open.sort((a: any, b: any) => String(a.due).localeCompare(String(b.due)))
  return open[0] ?? null
}
