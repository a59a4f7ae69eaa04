/**
 * "Saved" must mean stored. The client's save indicator (SaveTracker) shows
 * "Saved" when the server answers its probe SyncStep1; here the server runs
 * as a child process and is SIGKILLed the moment that answer arrives. The
 * next process, on the same data folder, must serve every edit the client
 * had been told was saved.
 *
 * The race this guards: the edits wait for the group commit (setImmediate)
 * while a probe that arrived with them is answered. Each round writes a
 * seeded burst of edits, so the probe often lands in the same socket read.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SaveTracker } from '../../client/src/collab/saveTracker.ts'
import { appendParagraph, connectClient, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { rng, waitFor } from '../support/wait.ts'

const ROUNDS = 16

interface ProbedClient {
  client: TestClient
  tracker: SaveTracker
  /** Called once with the state in which "Saved" was first shown after `arm`. */
  arm(onSaved: () => void): void
}

/** A y-websocket client followed by the product's own SaveTracker, probing without delay. */
function connectProbed(wsUrl: string, docId: string): ProbedClient {
  const client = connectClient(wsUrl, docId, { connect: false })
  let onSaved: (() => void) | null = null
  const tracker = new SaveTracker({
    doc: client.doc,
    isRemoteOrigin: (origin) => origin === client.provider,
    probeDelayMs: 0,
    onChange: (state) => {
      if (!state.saved || !onSaved) return
      const fire = onSaved
      onSaved = null
      fire()
    },
  })
  // As ConnectionMonitor does: the socket exists when "connecting" is reported.
  client.provider.on('status', () => {
    if (client.provider.ws) tracker.attach(client.provider.ws)
  })
  client.provider.connect()
  return { client, tracker, arm: (f) => (onSaved = f) }
}

describe('"Saved" means stored', () => {
  const servers: SpawnedServer[] = []
  const clients: ProbedClient[] = []
  afterEach(() => {
    for (const c of clients.splice(0)) {
      c.tracker.destroy()
      c.client.destroy()
    }
    for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  })

  it(`SIGKILL the moment the probe is answered, ${ROUNDS} seeded rounds: every edit shown as saved survives`, async () => {
    const dataDir = tempDir()
    const docId = 'saved-means-stored'
    const random = rng(9301)
    /** Lines the client was told are stored, round by round. */
    const promised: string[][] = []
    const lostInRound: Record<number, string[]> = {}

    for (let round = 0; round <= ROUNDS; round++) {
      const server = await spawnServer({ DATA_DIR: dataDir })
      servers.push(server)
      const probed = connectProbed(server.wsUrl, docId)
      clients.push(probed)
      // The first probe's answer: synced, and the stored content is here.
      await waitFor(() => probed.tracker.current.saved, `round ${round}: first "Saved"`)
      const present = new Set(probed.client.text().split('\n'))
      promised.forEach((lines, r) => {
        const lost = lines.filter((l) => !present.has(l))
        if (lost.length > 0) lostInRound[r] = lost
      })
      if (round === ROUNDS) break

      const killed = new Promise<void>((resolve) =>
        probed.arm(() => {
          // Synchronously, inside the handler of the answer: nothing more
          // reaches the server's storage on our account after this.
          server.child.kill('SIGKILL')
          resolve()
        }),
      )
      const lines = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => `r${round}-${i}-${'x'.repeat(Math.floor(random() * 2000))}`)
      for (const line of lines) appendParagraph(probed.client.doc, line)
      await killed
      await server.exited
      promised.push(lines)
      probed.tracker.destroy()
      // Gone for good: a reconnect would resend the edits and hide a loss.
      probed.client.destroy()
    }

    const summary = Object.entries(lostInRound).map(([r, lost]) => `round ${r}: ${lost.length} of ${promised[Number(r)]!.length} saved edits lost`)
    expect(summary).toEqual([])
  }, 120_000)
})
