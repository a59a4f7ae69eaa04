/** `POST /api/docs/import`: Markdown and HTML files become new documents; bad bodies and big files are refused in JSON. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectSynced } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { apiClient, type Api } from './apiClient.ts'

describe('HTTP API: import', () => {
  let srv: TestServer
  let api: Api
  beforeAll(async () => {
    srv = await startServer({ MAX_BODY_BYTES: String(64 * 1024) })
    api = apiClient(srv.url)
  })
  afterAll(async () => {
    await srv.close()
  })

  async function imported(body: unknown): Promise<string> {
    const res = await api.post('/api/docs/import', body)
    expect(res.status).toBe(201)
    return ((await res.json()) as { id: string }).id
  }

  it('imports Markdown: stored before the answer, titled by its heading, found by search, opened with its content', async () => {
    const id = await imported({ format: 'md', name: 'notes.md', text: '# Harbour plan\n\nSome **bold** words about lighthouses.\n\n- one\n- two\n' })
    expect(await (await api(`/api/docs/${id}`)).json()).toMatchObject({ id, title: 'Harbour plan' })
    const [hit] = await api.list('?q=lighthouse')
    expect(hit).toMatchObject({ id, title: 'Harbour plan' })
    // The snippet is body text: no heading or list marks, and not the title again.
    expect(hit!.snippet).toBe('Some bold words about lighthouses. one two')
    expect((await api.list('?q=harbour'))[0]).toMatchObject({ id, snippet: null })
    expect(await (await api(`/api/docs/${id}/export?format=md`)).text()).toBe('# Harbour plan\n\nSome **bold** words about lighthouses.\n\n- one\n- two\n')
    const client = await connectSynced(srv.wsUrl, id)
    expect(client.text()).toContain('Harbour plan')
    client.destroy()
  })

  it('imports HTML, and takes the file name as title when the content has none', async () => {
    const id = await imported({ format: 'html', name: 'page.html', text: '<h2>Menu</h2><ul><li>Soup</li></ul><p>Try the <em>bread</em></p>' })
    const json = (await (await api(`/api/docs/${id}/export?format=json`)).json()) as { content: { type: string }[] }
    expect(json.content.map((n) => n.type)).toEqual(['heading', 'bulletList', 'paragraph'])
    expect(await (await api(`/api/docs/${id}`)).json()).toMatchObject({ title: 'Menu' })
    const empty = await imported({ format: 'md', name: 'Q3 plan.markdown', text: '' })
    expect(await (await api(`/api/docs/${empty}`)).json()).toMatchObject({ title: 'Q3 plan' })
  })

  it('titles an HTML page without a heading by its <title>, and reads a file with a byte order mark', async () => {
    const page = await imported({ format: 'html', name: 'export.html', text: '<html><head><title>Board minutes</title></head><body><p>Present: all.</p></body></html>' })
    expect(await (await api(`/api/docs/${page}`)).json()).toMatchObject({ title: 'Board minutes' })
    const bom = await imported({ format: 'md', name: 'bom.md', text: '\uFEFF# Harbour log\r\n\r\nCalm.\r\n' })
    expect(await (await api(`/api/docs/${bom}/export?format=md`)).text()).toBe('# Harbour log\n\nCalm.\n')
  })

  it('credits the person who imported: the name they gave themselves without tokens, as the home list shows it', async () => {
    const id = await imported({ format: 'md', name: 'crew.md', text: '# Crew list\n\nAda, Grace.', by: 'Ada' })
    expect((await api.list()).find((d) => d.id === id)).toMatchObject({ title: 'Crew list', lastEditedBy: 'Ada' })
    const bad = await api.post('/api/docs/import', { format: 'md', text: 'x', by: '' })
    expect(bad.status).toBe(400)
  })

  it('refuses a binary file renamed .md with 400 JSON that says so, creating nothing', async () => {
    const before = (await api.list()).length
    const res = await api.post('/api/docs/import', { format: 'md', name: 'photo.md', text: '\ufffdPNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message: '“photo.md” can\'t be imported: it contains NUL bytes. Choose a Markdown (.md) or HTML (.html) file.' } })
    expect((await api.list()).length).toBe(before)
  })

  it('refuses bad bodies with 400 JSON and a file over the body limit with 413 JSON, creating nothing', async () => {
    const before = (await api.list()).length
    for (const body of ['{nope', {}, { format: 'pdf', text: 'x' }, { format: 'md' }, { format: 'md', text: 5 }, { format: 'md', text: 'x', extra: 1 }]) {
      const res = await api.post('/api/docs/import', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } })
    }
    const big = await api.post('/api/docs/import', { format: 'md', name: 'big.md', text: 'word '.repeat(20_000) })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    expect((await api.list()).length).toBe(before)
  })
})
