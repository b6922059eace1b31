// Which warning decisions the signed-in person may take: the OpenAPI roles of the operation,
// narrowed by the authority for the warning's level (seeds/002 篇5 三(一)2).
import { APPROVER_BY_LEVEL } from '@shared/labels'
import { can, hasRole } from './session'

export function mayApprove(w: any): boolean {
  return w?.status === 'proposed' && can('warning.approve') && hasRole(APPROVER_BY_LEVEL[w.level] ?? '')
}

export function mayLift(w: any): boolean {
  return ['revisited', 'rectified'].includes(w?.status) && can('warning.lift')
}

export function mayRevisit(w: any): boolean {
  return ['answered', 'rectified'].includes(w?.status) && can('warning.revisit')
}
