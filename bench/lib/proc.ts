/**
 * CPU and memory of a process, read from /proc as the kernel accounts them:
 * utime+stime from /proc/<pid>/stat (in clock ticks) and VmRSS/VmHWM from
 * /proc/<pid>/status. Sampled before and after each phase, the difference is
 * the phase's cost, independent of what the process reports about itself.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { nowUs } from './clock.ts'

export interface ProcSample {
  atUs: number
  /** User + system CPU time since the process started. */
  cpuMs: number
  /** The kernel's part of cpuMs (syscalls: socket writes, and on loopback the receiving side's TCP work too). */
  sysMs: number
  /**
   * Time the main thread (the event loop) spent runnable but waiting for a
   * core (/proc/<pid>/schedstat): high when the load generator or other
   * processes crowd the server out, which shows up as latency without CPU.
   */
  runqueueWaitMs: number
  rssKiB: number
  /** Peak RSS so far. */
  hwmKiB: number
}

let ticksPerSecond: number | null = null

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

export function sampleProc(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces; fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11]) // field 14
  const stime = Number(fields[12]) // field 15
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return {
    atUs: nowUs(),
    cpuMs: ((utime + stime) * 1000) / clockTicks(),
    sysMs: (stime * 1000) / clockTicks(),
    runqueueWaitMs: runqueueWait(pid),
    rssKiB: statusKiB(status, 'VmRSS'), hwmKiB: statusKiB(status, 'VmHWM') }
}

function runqueueWait(pid: number): number {
  // /proc/<pid>/schedstat is the main thread's: the event loop.
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6
}

function statusKiB(status: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)
  return m ? Number(m[1]) : 0
}

/** The sum of several processes' samples (the load generator's workers). */
export function sampleMany(pids: readonly number[]): ProcSample {
  const samples = pids.map(sampleProc)
  return {
    atUs: nowUs(),
    cpuMs: samples.reduce((n, s) => n + s.cpuMs, 0),
    sysMs: samples.reduce((n, s) => n + s.sysMs, 0),
    runqueueWaitMs: samples.reduce((n, s) => n + s.runqueueWaitMs, 0),
    rssKiB: samples.reduce((n, s) => n + s.rssKiB, 0),
    hwmKiB: samples.reduce((n, s) => n + s.hwmKiB, 0),
  }
}

export interface PhaseCost {
  wallMs: number
  cpuMs: number
  sysMs: number
  runqueueWaitMs: number
  /** CPU time over wall time (1 = one core busy). */
  cpuShare: number
  rssBeforeKiB: number
  rssAfterKiB: number
}

export function phaseCost(before: ProcSample, after: ProcSample): PhaseCost {
  const wallMs = (after.atUs - before.atUs) / 1000
  const cpuMs = after.cpuMs - before.cpuMs
  return { wallMs, cpuMs, sysMs: after.sysMs - before.sysMs, runqueueWaitMs: after.runqueueWaitMs - before.runqueueWaitMs, cpuShare: wallMs > 0 ? cpuMs / wallMs : 0, rssBeforeKiB: before.rssKiB, rssAfterKiB: after.rssKiB }
}

/** Soft limit on open files for a process (from /proc/<pid>/limits). */
export function openFileLimit(pid: number | 'self' = 'self'): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'))
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1])
}

export interface MachineInfo {
  cpus: number
  model: string
  memTotalGiB: number
  node: string
  loadAvg: number[]
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memTotalGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAvg: os.loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

/**
 * CPU used by the whole machine and by this process tree (this process plus
 * its exited, reaped children: the servers and workers of a finished
 * benchmark). Their difference over a benchmark is what other processes
 * took from the same cores: noise in the measurement.
 */
export interface NoiseSample {
  atUs: number
  systemBusyMs: number
  treeMs: number
}

export function sampleNoise(): NoiseSample {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal ...
  const busy = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!
  const stat = fs.readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const tree = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
  return { atUs: nowUs(), systemBusyMs: (busy * 1000) / clockTicks(), treeMs: (tree * 1000) / clockTicks() }
}

/** Average cores used by other processes between two samples. */
export function otherCores(a: NoiseSample, b: NoiseSample): number {
  const wallMs = (b.atUs - a.atUs) / 1000
  return wallMs > 0 ? Math.max(0, b.systemBusyMs - a.systemBusyMs - (b.treeMs - a.treeMs)) / wallMs : 0
}
