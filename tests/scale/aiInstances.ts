/**
 * Three in-process instances on one PostgreSQL database, with AI jobs
 * against one fake OpenAI server, sharing job events through a real Redis
 * (bus and event store) or the memory hub with one MemoryEventStore.
 * Shared by the AI scale tests.
 */
import * as Y from 'yjs'
import { connectRedisEventStore, MemoryEventStore, type AiEventStore } from '../../server/ai/events/index.ts'
import { connectRedisAdmission, MemoryAdmission, type AiAdmission } from '../../server/ai/admission/index.ts'
import { connectRedisBus, createMemoryHub, type Bus } from '../../server/bus/index.ts'
import type { ClusterTimings } from '../../server/collab/cluster.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

export const AI_ENV = {
  AI_MODEL: 'fake-model',
  OPENAI_API_KEY: 'test-key',
  AI_TIMEOUT_MS: '5000',
  AI_RATE_PER_MINUTE: '100000',
  AI_RATE_BURST: '10000',
  AI_SERVER_RATE_PER_MINUTE: '1000000',
}

/** Short, so a dead instance is noticed within a test's patience. */
export const AI_TIMINGS: Partial<ClusterTimings> = { heartbeatMs: 200, peerTimeoutMs: 1000 }

export interface Backbone {
  name: string
  bus(): Bus | Promise<Bus>
  events(): AiEventStore | Promise<AiEventStore>
  /** Where the AI limits are counted, shared by the instances. */
  admission(): AiAdmission | Promise<AiAdmission>
}

export function memoryBackbone(): Backbone {
  const hub = createMemoryHub()
  const events = new MemoryEventStore()
  // Each server closes its store; the shared one must outlive the first close.
  const shared: AiEventStore = { ...bind(events), close: async () => {} }
  const admission = new MemoryAdmission()
  return { name: 'memory hub', bus: () => hub.connect(), events: () => shared, admission: () => admission }
}

export function redisBackbone(url: string, prefix: string): Backbone {
  return {
    name: 'real Redis',
    bus: () => connectRedisBus({ url, channelPrefix: prefix }),
    events: () => connectRedisEventStore({ url, keyPrefix: prefix }),
    admission: () => connectRedisAdmission({ url, keyPrefix: prefix }),
  }
}

function bind(store: AiEventStore): AiEventStore {
  return {
    append: store.append.bind(store),
    head: store.head.bind(store),
    follow: store.follow.bind(store),
    keepAlive: store.keepAlive.bind(store),
    settle: store.settle.bind(store),
    outcome: store.outcome.bind(store),
    close: store.close.bind(store),
  }
}

export async function startAiInstances(count: number, databaseUrl: string, upstreamUrl: string, backbone: Backbone, env: Record<string, string> = {}): Promise<TestServer[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const [bus, aiEvents, aiAdmission] = await Promise.all([backbone.bus(), backbone.events(), backbone.admission()])
      return startServer({ STORAGE: 'postgres', DATABASE_URL: databaseUrl, OPENAI_BASE_URL: upstreamUrl, ...AI_ENV, ...env }, { bus, aiEvents, aiAdmission, clusterTimings: AI_TIMINGS })
    }),
  )
}

/** A client of `docId` on `wsUrl` whose document holds one paragraph with `text`. */
export async function paragraphDoc(wsUrl: string, docId: string, text = ''): Promise<TestClient> {
  const client = await connectSynced(wsUrl, docId)
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(text)])
  client.doc.getXmlFragment(DOC_FIELD).insert(0, [p])
  await waitFor(() => client.provider.synced, 'synced')
  return client
}
