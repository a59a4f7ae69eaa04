/**
 * What a benchmark hands back: tables to print and a JSON document to keep.
 * `writeResult` stores the JSON in bench/results/<name>.json with the
 * machine and the run's mode, so every number can be traced to its run.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { machineInfo } from './proc.ts'

export type Cell = string | number | boolean | null

export interface Table {
  title: string
  columns: string[]
  rows: Cell[][]
}

export interface BenchResult {
  /** Printed after the run, in order. */
  tables: Table[]
  /** Written to bench/results/<name>.json. */
  data: Record<string, unknown>
  /** Lines printed under the tables (warnings, target checks). */
  notes: string[]
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../results')

export function formatCell(c: Cell): string {
  if (c === null) return '—'
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) return String(c)
    if (Number.isInteger(c)) return String(c)
    return Math.abs(c) >= 100 ? c.toFixed(0) : Math.abs(c) >= 10 ? c.toFixed(1) : c.toFixed(2)
  }
  return String(c)
}

/** A Markdown table, readable in a terminal and pasteable into BENCHMARKS.md. */
export function renderTable(t: Table): string {
  const cells = t.rows.map((r) => r.map(formatCell))
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [`**${t.title}**`, '', line(t.columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n')
}

/** The commit measured, and files of the server that differ from it (the tree is shared and changes). */
export function sourceVersion(): { commit: string; uncommitted: string[] } {
  const root = path.resolve(RESULTS_DIR, '../..')
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' })
  try {
    const uncommitted = git('status', '--porcelain', '--', 'server', 'shared', 'package.json', 'package-lock.json')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), uncommitted }
  } catch {
    return { commit: 'unknown', uncommitted: [] }
  }
}

export function writeResult(name: string, mode: { quick: boolean; profile: boolean }, result: BenchResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const file = path.join(RESULTS_DIR, `${name}${mode.quick ? '.quick' : ''}${mode.profile ? '.profile' : ''}.json`)
  const doc = { name, ...mode, finishedAt: new Date().toISOString(), machine: machineInfo(), source: sourceVersion(), ...result.data, tables: result.tables, notes: result.notes }
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
  return file
}

/** "pass"/"MISS" against an upper bound, for the target columns. */
export function verdict(value: number, max: number): string {
  return Number.isFinite(value) && value <= max ? 'pass' : 'MISS'
}
