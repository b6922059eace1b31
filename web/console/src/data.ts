// Loading across a scope: a county asks once, a city or the province asks each of its counties
// (the services' list endpoints take one county code).
import { items } from '@shared/client'
import { countiesIn, loadDivisions, perCounty } from './divisions'
import { api } from './session'

async function across<T>(scope: string, one: (county: string) => Promise<unknown>): Promise<T[]> {
  await loadDivisions()
  const results = await perCounty(countiesIn(scope), one)
  return [...results.values()].flatMap((v) => items<T>(v))
}

export function warningsIn(scope: string, query: Record<string, string | number | undefined> = {}) {
  return across<any>(scope, (county) => api('warning.list_warnings', { query: { county, limit: 500, ...query } }))
}

export function reportsIn(scope: string, query: Record<string, string | number | undefined> = {}) {
  return across<any>(scope, (county) => api('intake.list_reports', { query: { county, limit: 200, ...query } }))
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
