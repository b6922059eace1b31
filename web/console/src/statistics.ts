// The dashboard's figures from the services' statistics, never from their lists: one request per
// service for the whole scope (a city or province code rolls up over its counties in the
// service), each answering the scope's totals and every county's under `counties`:
// - warning `statistics`: live warnings by level and overdue answers/fixes;
// - intake `statistics`: reports overdue and working days to closure;
// - inspection `coverage` (`units=false`: the tallies without the attention list).
// Then one row per county (a city scope) or per city (the province: 100 counties on one axis
// cannot be read; choosing a city shows its counties).
import type { components as Inspection } from '@shared/api/inspection'
import type { components as Intake } from '@shared/api/intake'
import type { components as Warning } from '@shared/api/warning'
import { covers } from '@shared/labels'
import { divisions } from './divisions'

export type WarningStatistics = Warning['schemas']['Statistics']
export type IntakeStatistics = Intake['schemas']['Statistics']
export type Coverage = Inspection['schemas']['Coverage']

/** Units to inspect this year by their status (inspection `Tally`). */
export interface Units {
  units: number
  done: number
  planned: number
  overdue: number
  missed: number
  unplanned: number
}
export const UNIT_STATUSES = ['done', 'planned', 'overdue', 'unplanned', 'missed'] as const

export interface AreaRow {
  /** A county, or a city summing its counties. */
  code: string
  /** Live warnings by level (1 red, 2 yellow, 3 blue). */
  live: Record<number, number>
  overdueWarnings: number
  overdueReports: number
  /** Working days from receipt to closure: the average and how many closed reports it is over. */
  closeDays: number | null
  closed: number
  inspection: Units | null
}

const LEVELS = [1, 2, 3]

function emptyRow(code: string): AreaRow {
  return { code, live: { 1: 0, 2: 0, 3: 0 }, overdueWarnings: 0, overdueReports: 0, closeDays: null, closed: 0, inspection: null }
}

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

function units(tally: any): Units {
  return {
    units: n(tally?.units),
    done: n(tally?.done),
    planned: n(tally?.planned),
    overdue: n(tally?.overdue),
    missed: n(tally?.missed),
    unplanned: n(tally?.unplanned),
  }
}

/** One row per county of `scope`: the division list's counties and any county an answer names. */
export function countyRows(
  scope: string,
  listed: string[],
  warning: WarningStatistics | null,
  intake: IntakeStatistics | null,
  coverage: Coverage | null,
): AreaRow[] {
  const rows = new Map<string, AreaRow>(listed.map((c) => [c, emptyRow(c)]))
  const row = (code: unknown): AreaRow | null => {
    const c = String(code ?? '')
    if (!c || !covers(scope, c)) return null
    if (!rows.has(c)) rows.set(c, emptyRow(c))
    return rows.get(c)!
  }
  for (const w of warning?.counties ?? []) {
    const r = row(w.county)
    if (!r) continue
    for (const level of LEVELS) r.live[level] = n(w.by_level?.[String(level)])
    r.overdueWarnings = n(w.overdue)
  }
  for (const s of intake?.counties ?? []) {
    const r = row(s.county)
    if (!r) continue
    r.overdueReports = n(s.overdue)
    r.closeDays = s.working_days_to_closure?.average ?? null
    r.closed = n(s.working_days_to_closure?.count)
  }
  for (const t of coverage?.counties ?? []) {
    const r = row(t.code)
    if (r) r.inspection = units(t)
  }
  return [...rows.values()].sort((a, b) => a.code.localeCompare(b.code))
}

/** The city a county belongs to, when the division list has it (else the county stands alone). */
export function cityOf(county: string): string {
  const city = county.slice(0, 4) + '00'
  return city in divisions.value ? city : county
}

/** Rows summed by `group` (counties into their cities): counts add up, the closure time is the
 * average over all closed reports of the group. */
export function rollUp(rows: AreaRow[], group: (code: string) => string): AreaRow[] {
  const out = new Map<string, AreaRow & { closeSum: number }>()
  for (const r of rows) {
    const code = group(r.code)
    if (!out.has(code)) out.set(code, { ...emptyRow(code), closeSum: 0 })
    const g = out.get(code)!
    for (const level of LEVELS) g.live[level] += r.live[level] ?? 0
    g.overdueWarnings += r.overdueWarnings
    g.overdueReports += r.overdueReports
    if (r.closeDays !== null && r.closed) {
      g.closeSum += r.closeDays * r.closed
      g.closed += r.closed
    }
    if (r.inspection) {
      const sum = g.inspection ?? units(null)
      for (const k of ['units', ...UNIT_STATUSES] as const) sum[k] += r.inspection[k]
      g.inspection = sum
    }
  }
  return [...out.values()]
    .map(({ closeSum, ...g }) => ({ ...g, closeDays: g.closed ? Math.round((10 * closeSum) / g.closed) / 10 : null }))
    .sort((a, b) => a.code.localeCompare(b.code))
}

export function coverageShare(u: Units | null): number {
  return u && u.units ? u.done / u.units : 0
}
