/**
 * `npm run dev`: the API server on API_PORT (default 3001) and Vite's dev
 * server with hot reload on PORT (default 3000), proxying /api (HTTP and
 * WebSocket) to the API server.
 */
import { createServer as createViteServer } from 'vite'
import { loadConfig } from './config.ts'
import { createLogger } from './log.ts'
import { createServer } from './server.ts'

const apiPort = Number(process.env.API_PORT ?? 3001)
process.env.API_PORT = String(apiPort)
const config = loadConfig({ ...process.env, PORT: String(apiPort) })
const log = createLogger(config.logLevel, { format: config.logFormat })
const api = createServer(config, { log })
await api.listen()
const vite = await createViteServer({ configFile: 'vite.config.ts', server: { port: Number(process.env.PORT ?? 3000), host: config.host } })
await vite.listen()
vite.printUrls()
const stop = async () => {
  await vite.close()
  await api.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
