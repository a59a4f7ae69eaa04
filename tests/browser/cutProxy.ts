/**
 * A TCP proxy between the browser and the server that can cut live HTTP
 * connections, the way a dropped Wi-Fi or a restarting load balancer does.
 *
 * It forwards bytes untouched and only peeks at each chunk the browser sends
 * for an HTTP request line, so it knows which request a connection currently
 * carries. A streaming response (SSE) keeps its connection to itself until it
 * ends, so "the connection whose last request is `POST …/ai`" is exactly the
 * AI event stream. WebSocket upgrades go through like any other bytes.
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export interface CutProxy {
  url: string
  /** Every request line seen so far, e.g. `GET /api/ai/jobs/…/events?lastEventId=3`. */
  requests: string[]
  /** Destroys the connections whose current request matches; returns how many. */
  cut(match: RegExp): number
  close(): Promise<void>
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const live = new Map<net.Socket, { upstream: net.Socket; current: string }>()
  const requests: string[] = []

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    const entry = { upstream, current: '' }
    live.set(client, entry)
    client.on('data', (chunk: Buffer) => {
      const line = REQUEST_LINE.exec(chunk.subarray(0, 2048).toString('latin1'))
      if (line) {
        entry.current = `${line[1]} ${line[2]}`
        requests.push(entry.current)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    const end = () => {
      live.delete(client)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cut(match) {
      let count = 0
      for (const [client, { upstream, current }] of live) {
        if (!match.test(current)) continue
        // resetAndDestroy sends a TCP RST: the browser sees a network error, not a clean end.
        client.resetAndDestroy()
        upstream.destroy()
        count++
      }
      return count
    },
    close: async () => {
      for (const [client, { upstream }] of live) {
        client.destroy()
        upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
