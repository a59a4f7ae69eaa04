/** How the History panel names versions and their times. */
import type { VersionKind, VersionSummary } from '../../../shared/apiTypes.ts'

const KIND_LABELS: Record<VersionKind, string> = {
  auto: 'Automatic version',
  named: 'Named version',
  'before-ai': 'Before an AI edit',
  'before-restore': 'Before restore',
}

/** A named version's name, or what kind of version it is: "Before an AI edit". */
export function versionTitle(version: Pick<VersionSummary, 'kind' | 'name'>): string {
  return version.name ?? KIND_LABELS[version.kind]
}

/** "Today, 14:03", "Yesterday, 09:12", or a date with the time. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: sameMinuteAgo(date, now) ? '2-digit' : undefined })
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000)
  if (days === 0) return `Today, ${time}`
  if (days === 1) return `Yesterday, ${time}`
  const sameYear = date.getFullYear() === now.getFullYear()
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' })}, ${time}`
}

/** Versions minutes apart need seconds to tell apart only when they are that recent. */
function sameMinuteAgo(date: Date, now: Date): boolean {
  return now.getTime() - date.getTime() < 60 * 60_000
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}
