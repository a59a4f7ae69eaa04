/**
 * The bus contract: every Bus implementation runs this suite (in-memory, and
 * Redis against a real redis-server). A cluster is one backbone (a hub, a
 * Redis) that several instances connect to, and that a test can take away
 * and bring back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Logger } from '../../server/log.ts'
import type { Bus, BusStatusChange, ControlMessage, DocMessage, InstanceId } from '../../server/bus/types.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'

export interface BusCluster {
  /** Another instance's bus on the same backbone. */
  connect(options?: { logger?: Logger }): Promise<Bus>
  /** The backbone goes away (Redis is killed)... */
  outage(): Promise<void>
  /** ...and comes back (on the same address). */
  restore(): Promise<void>
  /** Closes every bus it connected. */
  close(): Promise<void>
}

export interface BusFactory {
  name: string
  cluster(): Promise<BusCluster>
}

interface Received<M> {
  message: M
  from: InstanceId
}

function collectDoc(bus: Bus, docId: string) {
  const got: Received<DocMessage>[] = []
  const sub = bus.subscribe(docId, (message, from) => got.push({ message, from }))
  return { got, sub }
}

function collectControl(bus: Bus) {
  const got: Received<ControlMessage>[] = []
  const sub = bus.subscribeControl((message, from) => got.push({ message, from }))
  return { got, sub }
}

function bytes(n: number, seed: number): Uint8Array {
  const r = rng(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256))
}

const heads = (lastSeq: number): DocMessage => ({ type: 'heads', lastSeq })

/**
 * Proves a message did NOT arrive: publish a marker on another document
 * after it and wait for that. Both implementations deliver one publisher's
 * messages in order across channels (one connection each way), so once the
 * marker is in, anything published before it would be too.
 */
async function barrier(from: Bus, to: Bus): Promise<void> {
  const marker = `barrier-${Math.random()}`
  const { got, sub } = collectDoc(to, marker)
  await sub.ready
  from.publish(marker, heads(0))
  await waitFor(() => got.length > 0, 'the barrier message')
  sub.close()
}

export function busContract(factory: BusFactory): void {
  describe(`bus contract: ${factory.name}`, () => {
    let cluster: BusCluster
    let a: Bus
    let b: Bus
    let c: Bus
    beforeEach(async () => {
      cluster = await factory.cluster()
      ;[a, b, c] = await Promise.all([cluster.connect(), cluster.connect(), cluster.connect()])
    })
    afterEach(async () => {
      await cluster.close()
    })

    it('gives every instance its own id, and starts up', () => {
      expect(new Set([a.instanceId, b.instanceId, c.instanceId]).size).toBe(3)
      expect([a.status(), b.status(), c.status()]).toEqual(['up', 'up', 'up'])
    })

    it('delivers to the other instances, never back to the sender', async () => {
      const [atA, atB, atC] = [collectDoc(a, 'd'), collectDoc(b, 'd'), collectDoc(c, 'd')]
      await Promise.all([atA.sub.ready, atB.sub.ready, atC.sub.ready])
      const m: DocMessage = { type: 'update', firstSeq: 1, updates: [new Uint8Array([1, 2, 3])] }
      a.publish('d', m)
      await waitFor(() => atB.got.length === 1 && atC.got.length === 1, 'delivery to b and c')
      expect(atB.got).toEqual([{ message: m, from: a.instanceId }])
      expect(atC.got).toEqual([{ message: m, from: a.instanceId }])
      await barrier(a, b)
      expect(atA.got).toEqual([])
      expect(a.stats().published).toBeGreaterThanOrEqual(1)
    })

    it('keeps documents apart', async () => {
      const one = collectDoc(b, 'one')
      const two = collectDoc(b, 'two')
      await Promise.all([one.sub.ready, two.sub.ready])
      a.publish('one', heads(1))
      a.publish('three', heads(3))
      a.publish('two', heads(2))
      await waitFor(() => one.got.length === 1 && two.got.length === 1, 'both documents')
      await barrier(a, b)
      expect(one.got.map((r) => r.message)).toEqual([heads(1)])
      expect(two.got.map((r) => r.message)).toEqual([heads(2)])
    })

    it('delivers to every handler of a document once, and stops for a closed one', async () => {
      const first = collectDoc(b, 'd')
      const second = collectDoc(b, 'd')
      await Promise.all([first.sub.ready, second.sub.ready])
      a.publish('d', heads(1))
      await waitFor(() => first.got.length === 1 && second.got.length === 1, 'both handlers')

      first.sub.close()
      first.sub.close() // idempotent: must not drop the other handler's subscription
      a.publish('d', heads(2))
      await waitFor(() => second.got.length === 2, 'the remaining handler')
      expect(first.got).toHaveLength(1)

      second.sub.close()
      a.publish('d', heads(3))
      await barrier(a, b)
      expect(second.got).toHaveLength(2)

      const again = collectDoc(b, 'd')
      await again.sub.ready
      a.publish('d', heads(4))
      await waitFor(() => again.got.length === 1, 'a subscription made after the last one closed')
      expect(again.got[0]!.message).toEqual(heads(4))
    })

    it('carries binary payloads byte-exact, up to a 1 MiB update', async () => {
      const { got, sub } = collectDoc(b, 'bin')
      await sub.ready
      const every = Uint8Array.from({ length: 256 }, (_, i) => i)
      const big = bytes(1 << 20, 7)
      a.publish('bin', { type: 'update', firstSeq: 10, updates: [every, new Uint8Array(0), big] })
      a.publish('bin', { type: 'awareness', update: every })
      await waitFor(() => got.length === 2, 'both binary messages')
      const [update, awareness] = got.map((r) => r.message)
      if (update?.type !== 'update' || awareness?.type !== 'awareness') throw new Error('wrong message types')
      expect(update.firstSeq).toBe(10)
      expect(update.updates.map((u) => u.byteLength)).toEqual([256, 0, 1 << 20])
      expect(Buffer.compare(update.updates[0]!, every)).toBe(0)
      expect(Buffer.compare(update.updates[2]!, big)).toBe(0)
      expect(Buffer.compare(awareness.update, every)).toBe(0)
    })

    it('hands the receiver its own copy: a sender reusing its array changes nothing delivered', async () => {
      const { got, sub } = collectDoc(b, 'copy')
      await sub.ready
      const buf = new Uint8Array([1, 2, 3])
      a.publish('copy', { type: 'awareness', update: buf })
      buf.fill(9)
      await waitFor(() => got.length === 1, 'the message')
      expect(got[0]!.message).toEqual({ type: 'awareness', update: new Uint8Array([1, 2, 3]) })
    })

    it('keeps one publisher\'s order', async () => {
      const { got, sub } = collectDoc(b, 'order')
      await sub.ready
      for (let seq = 1; seq <= 500; seq++) a.publish('order', { type: 'update', firstSeq: seq, updates: [bytes(seq % 50, seq)] })
      await waitFor(() => got.length === 500, '500 updates')
      expect(got.map((r) => (r.message.type === 'update' ? r.message.firstSeq : -1))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    })

    it('serves many documents at once', async () => {
      const docs = Array.from({ length: 200 }, (_, i) => `doc-${i}`)
      const subs = docs.map((d) => collectDoc(b, d))
      await Promise.all(subs.map((s) => s.sub.ready))
      docs.forEach((d, i) => a.publish(d, heads(i)))
      await waitFor(() => subs.every((s) => s.got.length === 1), 'one message on each of 200 documents')
      subs.forEach((s, i) => expect(s.got[0]!.message).toEqual(heads(i)))
    })

    it('has a control channel of its own, also never echoed to the sender', async () => {
      const atA = collectControl(a)
      const atB = collectControl(b)
      const docAtB = collectDoc(b, 'd')
      await Promise.all([atA.sub.ready, atB.sub.ready, docAtB.sub.ready])
      const sent: ControlMessage[] = [
        { type: 'revoked', jti: 'j-1' },
        { type: 'deleted', docId: 'd' },
        { type: 'instance-heartbeat' },
        { type: 'ai-command', jobId: 'job-1', command: 'cancel' },
        { type: 'doc-connections', counts: [{ docId: 'd', count: 3 }] },
        { type: 'instance-leaving' },
      ]
      for (const m of sent) a.publishControl(m)
      await waitFor(() => atB.got.length === sent.length, 'every control message')
      expect(atB.got).toEqual(sent.map((message) => ({ message, from: a.instanceId })))
      await barrier(a, b)
      expect(atA.got).toEqual([])
      expect(docAtB.got).toEqual([])

      atB.sub.close()
      a.publishControl({ type: 'instance-heartbeat' })
      await barrier(a, b)
      expect(atB.got).toHaveLength(sent.length)
    })

    it('keeps delivering to the other handlers when one throws, and logs the error', async () => {
      const errors: string[] = []
      const logger: Logger = { error: (msg, extra) => errors.push(`${msg}: ${(extra as Error).message}`), warn() {}, info() {}, debug() {} }
      const d = await cluster.connect({ logger })
      d.subscribe('d', () => {
        throw new Error('a buggy subscriber')
      })
      const { got, sub } = collectDoc(d, 'd')
      await sub.ready
      a.publish('d', heads(1))
      a.publish('d', heads(2))
      await waitFor(() => got.length === 2, 'both messages despite the throwing handler')
      expect(errors).toEqual(['bus: a subscriber threw: a buggy subscriber', 'bus: a subscriber threw: a buggy subscriber'])
    })

    it('survives an outage: down, drops without throwing, then reconnected with every subscription live', async () => {
      const { got, sub } = collectDoc(b, 'd')
      const control = collectControl(b)
      await Promise.all([sub.ready, control.sub.ready])
      const changes: Record<string, BusStatusChange[]> = { a: [], b: [] }
      a.onStatus((s) => changes.a!.push(s))
      b.onStatus((s) => changes.b!.push(s))

      await cluster.outage()
      await waitFor(() => a.status() === 'down' && b.status() === 'down', 'both buses to go down')
      const dropped = a.stats().dropped
      const started = performance.now()
      for (let i = 0; i < 100; i++) a.publish('d', { type: 'update', firstSeq: i, updates: [bytes(1000, i)] })
      a.publishControl({ type: 'revoked', jti: 'lost' })
      expect(performance.now() - started).toBeLessThan(200)
      expect(a.stats().dropped).toBe(dropped + 101)
      // Subscribing while down: ready resolves now; the subscription goes live on reconnect.
      const late = collectDoc(b, 'late')
      await late.sub.ready

      await cluster.restore()
      await waitFor(() => a.status() === 'up' && b.status() === 'up', 'both buses to come back', 20_000)
      expect(changes).toEqual({ a: ['down', 'reconnected'], b: ['down', 'reconnected'] })

      a.publish('d', heads(1))
      a.publish('late', heads(2))
      a.publishControl({ type: 'deleted', docId: 'd' })
      await waitFor(() => got.length === 1 && late.got.length === 1 && control.got.length === 1, 'delivery after the outage')
      expect(got[0]!.message).toEqual(heads(1))
      expect(control.got[0]!.message).toEqual({ type: 'deleted', docId: 'd' })
    })

    it('stops a status listener that was removed', async () => {
      const heard: BusStatusChange[] = []
      const off = b.onStatus((s) => heard.push(s))
      off()
      await cluster.outage()
      await waitFor(() => b.status() === 'down', 'the outage')
      await cluster.restore()
      await waitFor(() => b.status() === 'up', 'the return', 20_000)
      expect(heard).toEqual([])
    })

    it('after close: down, publishes dropped without throwing, nothing delivered', async () => {
      const atA = collectDoc(a, 'd')
      await atA.sub.ready
      await b.close()
      await b.close()
      expect(b.status()).toBe('down')
      expect(() => b.publish('d', heads(1))).not.toThrow()
      expect(() => b.publishControl({ type: 'instance-leaving' })).not.toThrow()
      expect(b.stats().dropped).toBe(2)
      await barrier(c, a)
      await sleep(20)
      expect(atA.got).toEqual([])
    })
  })
}
