import { describe, expect, it } from 'vitest'
import { RemoteConnections } from '../../server/collab/remoteConnections.ts'

describe('RemoteConnections', () => {
  const make = () => {
    let now = 0
    const remote = new RemoteConnections(1000, () => now)
    return { remote, advance: (ms: number) => (now += ms) }
  }

  it('sums every instance, and each message replaces its sender’s whole set', () => {
    const { remote } = make()
    remote.record('a', [{ docId: 'd', count: 2 }, { docId: 'e', count: 1 }])
    remote.record('b', [{ docId: 'd', count: 3 }])
    expect(remote.count('d')).toBe(5)
    remote.record('a', [{ docId: 'e', count: 4 }])
    expect(remote.count('d')).toBe(3)
    expect(remote.count('e')).toBe(4)
    expect(remote.count('none')).toBe(0)
  })

  it('stops counting an instance that falls silent, or says it leaves', () => {
    const { remote, advance } = make()
    remote.record('a', [{ docId: 'd', count: 2 }])
    advance(600)
    remote.record('b', [{ docId: 'd', count: 1 }])
    advance(600)
    expect(remote.count('d')).toBe(1)
    remote.forget('b')
    expect(remote.count('d')).toBe(0)
  })
})
