/**
 * The browser suite's fixtures: one Chromium per test file, a real server
 * (in-process, port 0, temp SQLite) serving the built client, the fake
 * OpenAI server, and one browser context per person so each has its own
 * localStorage, IndexedDB and identity.
 *
 * Chromium is the system's (`/usr/bin/chromium`, or CHROMIUM_PATH); browsers
 * are never downloaded. Without it the suite is skipped locally, with a
 * printed reason, but in CI (`CI` set) it must run, so it fails instead.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { IDENTITY_STORAGE_KEY, type Identity } from '../../client/src/identity/identity.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { startCutProxy, type CutProxy } from './cutProxy.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
// TEST_CLIENT_DIR lets parallel work test its own build (`vite build --outDir ...`) without sharing dist/.
const CLIENT_DIR = process.env.TEST_CLIENT_DIR ? path.resolve(process.env.TEST_CLIENT_DIR) : path.join(ROOT, 'dist/client')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENSHOT_DIR = path.join(ROOT, 'docs/screenshots')

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Why this machine cannot run the browser suite, or null when it can (always null in CI). */
export function browserSkipReason(): string | null {
  if (process.env.CI) return null
  if (!fs.existsSync(CHROMIUM_PATH)) {
    return `no Chromium at ${CHROMIUM_PATH} (install the distribution's chromium package or set CHROMIUM_PATH)`
  }
  return null
}

/** Call at the top of a browser test file: prints why the file is skipped, if it is. */
export function announceSkip(file: string): boolean {
  const reason = browserSkipReason()
  if (reason) console.warn(`[browser tests] skipping ${file}: ${reason}`)
  return reason !== null
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}, and CI must run the browser suite: install it (apt-get install chromium) or set CHROMIUM_PATH.`)
  }
  if (!fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) {
    throw new Error(`The client is not built (${path.relative(ROOT, CLIENT_DIR)}/index.html is missing). Run \`npx vite build\` first; \`npm test\` does it for you.`)
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

export interface App {
  /** Where the browser goes: the server itself, or the cutting proxy in front of it. */
  url: string
  server: TestServer
  fake: FakeOpenAI
  /** Present with `{ proxy: true }`: lets a test cut live HTTP connections. */
  proxy: CutProxy | null
  close(): Promise<void>
}

export interface AppOptions {
  /** false: a server without AI_MODEL. */
  ai?: boolean
  proxy?: boolean
  /** More server settings (AUTH_SECRET, say). */
  env?: Record<string, string>
}

export async function startApp({ ai = true, proxy = false, env = {} }: AppOptions = {}): Promise<App> {
  const fake = await startFakeOpenAI()
  const aiEnv: Record<string, string> = ai ? { AI_MODEL: 'fake-model', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'k' } : {}
  const server = await startServer({
    ...aiEnv,
    STATIC_DIR: CLIENT_DIR,
    AI_RATE_PER_MINUTE: '100000',
    AI_RATE_BURST: '10000',
    AI_SERVER_RATE_PER_MINUTE: '1000000',
    ...env,
  })
  const cut = proxy ? await startCutProxy(server.port) : null
  return {
    url: cut?.url ?? server.url,
    server,
    fake,
    proxy: cut,
    close: async () => {
      await cut?.close()
      await server.close()
      await fake.close()
    },
  }
}

export interface Person {
  name: string
  color: string
  id: string
  context: BrowserContext
  page: Page
}

export const ALICE = { name: 'Alice Liddell', color: '#1d4ed8' } as const
export const BOB = { name: 'Bob Marley', color: '#be185d' } as const

/**
 * A person with their own browser context. Their identity is in
 * localStorage before the app's first script runs, as if they had picked a
 * name and a color on an earlier visit. Service workers are blocked unless
 * asked for: the app shell cache is only under test in the offline scenario.
 */
export async function openPerson(
  browser: Browser,
  who: { name: string; color: string },
  options: BrowserContextOptions = {},
): Promise<Person> {
  const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true, ...options })
  const id = `test-${who.name.toLowerCase().replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2, 8)}`
  const identity: Identity = { id, name: who.name, color: who.color }
  await context.addInitScript(
    ([key, value]) => {
      try {
        window.localStorage.setItem(key, value)
      } catch {
        // about:blank and opaque origins have no storage.
      }
    },
    [IDENTITY_STORAGE_KEY, JSON.stringify(identity)] as const,
  )
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return { ...who, id, context, page }
}

export async function closeAll(people: Person[]): Promise<void> {
  await Promise.all(people.map((person) => person.context.close().catch(() => undefined)))
}

/** A window size that frames a short document without much empty page (docs/screenshots). */
export const SCREENSHOT_VIEWPORT = { width: 1100, height: 500 } as const

/**
 * Screenshots go to docs/screenshots (the README's) with
 * `UPDATE_SCREENSHOTS=1 npm test`; otherwise to a temp folder, so that a
 * plain test run leaves the working tree clean.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? SCREENSHOT_DIR : path.join(os.tmpdir(), 'quill-screenshots')
  fs.mkdirSync(dir, { recursive: true })
  return path.join(dir, name)
}

export interface BrowserSuite {
  readonly browser: Browser
  readonly app: App
  /** A person in a fresh browser context, closed after the test. */
  person(who: { name: string; color: string }, options?: BrowserContextOptions): Promise<Person>
}

/**
 * Registers the hooks of one test file (call it inside the `describe`): one
 * browser and one app for the file, and every person's context closed after
 * each test, so tests share nothing but the server.
 */
export function useBrowserSuite(options: AppOptions = {}): BrowserSuite {
  let browser: Browser | null = null
  let app: App | null = null
  const people: Person[] = []
  beforeAll(async () => {
    // One after the other, so a failure of either leaves nothing behind unclosed.
    browser = await launchBrowser()
    app = await startApp(options)
  })
  afterEach(async () => {
    await closeAll(people.splice(0))
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })
  const need = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`${what} is not started (beforeAll failed?)`)
    return value
  }
  return {
    get browser() {
      return need(browser, 'the browser')
    },
    get app() {
      return need(app, 'the app')
    },
    async person(who, contextOptions) {
      const person = await openPerson(need(browser, 'the browser'), who, contextOptions)
      people.push(person)
      return person
    },
  }
}
