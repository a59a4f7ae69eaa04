/**
 * Sharing from the editor's header, with access control on (AUTH_SECRET) and
 * off. A copied link must never carry more than the person meant to give:
 * owners mint a new link with the access they pick (Share), a server-wide
 * token never travels, and a token for one document travels only with the
 * rights it already has, said on the button.
 */
import fs from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { SECRET, call, tokenFor } from '../security/helpers.ts'
import { ALICE, BOB, announceSkip, useBrowserSuite, type Person } from './harness.ts'
import { seriousViolations } from './axeCheck.ts'
import { attr, createDocFromHome, docText, editor, expectSaved, focused, poll, tid, write } from './pages.ts'

const skip = announceSkip('share.test.ts')

/** The claims of a token, read without verifying (the server checks them when the link is used). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

async function newDoc(baseUrl: string): Promise<string> {
  const reply = await call(baseUrl, '/api/docs', { method: 'POST', token: await tokenFor('*', 'editor'), body: {} })
  expect(reply.status).toBe(201)
  return (reply.body as { id: string }).id
}

/** Opens a document with a link carrying `token`, as someone following a share link would. */
async function openWithToken(page: Page, baseUrl: string, docId: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/d/${docId}?token=${encodeURIComponent(token)}`)
  await editor(page).waitFor()
  await expectSaved(page)
}

async function copyFromHeader(person: Person): Promise<string> {
  await person.page.getByTestId('copy-link').click()
  await poll(() => attr(person.page, tid('copy-link'), 'data-state')).toBe('copied')
  return person.page.evaluate(() => navigator.clipboard.readText())
}


describe.skipIf(skip)('sharing with access control on', () => {
  const suite = useBrowserSuite({ ai: false, env: { AUTH_SECRET: SECRET } })

  test('an owner shares a view-only link: a new viewer token, never the owner’s, and the viewer reads but cannot write', async () => {
    const docId = await newDoc(suite.app.url)
    const ownerToken = await tokenFor(docId, 'owner', { name: 'Alice' })
    const alice = await suite.person(ALICE)
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await openWithToken(alice.page, suite.app.url, docId, ownerToken)
    await editor(alice.page).click()
    await write(alice.page, 'Quarterly plan\nOnly Alice writes here.')
    await expectSaved(alice.page)

    // Owners get Share, not a Copy link that would hand out their own token.
    expect(await alice.page.getByTestId('copy-link').count()).toBe(0)
    await alice.page.getByTestId('share-button').click()
    const dialog = alice.page.getByRole('dialog', { name: 'Share “Quarterly plan”' })
    await dialog.waitFor()
    expect(await seriousViolations(alice.page, tid('share-dialog'))).toEqual([])
    await dialog.getByRole('radio', { name: 'Can view' }).check()
    await dialog.getByLabel('Expires after').selectOption({ label: '1 day' })
    await dialog.getByLabel('Recipient’s name (optional)').fill('Bob')
    await dialog.getByRole('button', { name: 'Create link' }).click()

    const field = dialog.getByTestId('share-link')
    await field.waitFor()
    const shown = await field.inputValue()
    expect(await field.getAttribute('readonly')).not.toBeNull()
    expect(await dialog.getByTestId('share-link-meta').textContent()).toMatch(/^Can view · expires /)
    // Focus lands on Copy, ready to use.
    expect(await focused(alice.page)).toBe('share-copy')
    await dialog.getByTestId('share-copy').click()
    await poll(() => attr(alice.page, tid('share-copy'), 'data-state')).toBe('copied')
    const copied = await alice.page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toBe(shown)

    expect(copied).not.toContain(ownerToken)
    const link = new URL(copied)
    expect(link.origin).toBe(suite.app.url)
    expect(link.pathname).toBe(`/d/${docId}`)
    const shared = link.searchParams.get('token')
    expect(shared).toBeTruthy()
    expect(shared).not.toBe(ownerToken)
    const claims = claimsOf(shared!)
    expect(claims).toMatchObject({ doc: docId, role: 'viewer', name: 'Bob' })
    const day = 86_400
    expect(Math.abs((claims.exp as number) - (Date.now() / 1000 + day))).toBeLessThan(120)

    // Escape closes the dialog and gives focus back to Share.
    await alice.page.keyboard.press('Escape')
    await poll(() => dialog.count()).toBe(0)
    expect(await focused(alice.page)).toBe('share-button')

    // Bob follows the link: he can read, he is told he cannot write.
    const bob = await suite.person(BOB)
    await bob.page.goto(copied)
    await editor(bob.page).waitFor()
    await poll(() => docText(bob.page)).toBe('Quarterly plan\nOnly Alice writes here.')
    await bob.page.getByTestId('read-only').waitFor()
    expect(await editor(bob.page).getAttribute('contenteditable')).toBe('false')
    expect(await bob.page.getByTestId('share-button').count()).toBe(0)
    // His link's token is a viewer's for this one document: copying it hands out just that.
    expect(await bob.page.getByTestId('copy-link').getAttribute('aria-label')).toBe('Copy link (can view)')

    // Even if his browser is made to write, the server drops it: Alice never sees it.
    await editor(bob.page).evaluate((root) => {
      const tiptap = (root as HTMLElement & { editor?: { setEditable(on: boolean): void; commands: { insertContentAt(at: number, text: string): boolean } } }).editor
      if (!tiptap) throw new Error('no editor on the ProseMirror element')
      tiptap.setEditable(true)
      tiptap.commands.insertContentAt(1, 'BOB WAS HERE ')
    })
    await poll(() => docText(bob.page)).toContain('BOB WAS HERE')
    // Something Alice writes afterwards does reach Bob, so the room is live both ways.
    await editor(alice.page).click()
    await alice.page.keyboard.press('ControlOrMeta+End')
    await alice.page.keyboard.insertText(' Still only Alice.')
    await poll(() => docText(bob.page)).toContain('Still only Alice.')
    await expectSaved(alice.page)
    expect(await docText(alice.page)).toBe('Quarterly plan\nOnly Alice writes here. Still only Alice.')
  })

  test('the Share dialog shows the server’s errors, works with the keyboard, and fits a phone', async () => {
    const docId = await newDoc(suite.app.url)
    const ownerToken = await tokenFor('*', 'owner', { name: 'Admin' })
    const alice = await suite.person(ALICE, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    await openWithToken(alice.page, suite.app.url, docId, ownerToken)

    // A server-wide owner token: Share, never a copy of that token.
    const share = alice.page.getByTestId('share-button')
    await share.focus()
    await alice.page.keyboard.press('Enter')
    const dialog = alice.page.getByTestId('share-dialog')
    await dialog.waitFor()
    // Focus starts on the chosen access; the dialog fits the screen.
    expect(await alice.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('editor')
    const box = await dialog.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(375)
    expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)

    // The server refuses: its message is shown in the dialog.
    await alice.page.route('**/api/docs/*/share', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many share links. Try again in a minute.' } }) }),
    )
    await dialog.getByRole('button', { name: 'Create link' }).click()
    await poll(() => dialog.getByRole('alert').textContent()).toBe('Too many share links. Try again in a minute.')
    expect(await dialog.getByTestId('share-link').count()).toBe(0)

    // Once the server agrees, the link is for this document only, as an editor (the default).
    await alice.page.unroute('**/api/docs/*/share')
    await dialog.getByRole('button', { name: 'Create link' }).click()
    const shown = await dialog.getByTestId('share-link').inputValue()
    expect(shown).not.toContain(ownerToken)
    expect(claimsOf(new URL(shown).searchParams.get('token')!)).toMatchObject({ doc: docId, role: 'editor', name: 'Guest' })
    expect(await dialog.getByRole('alert').count()).toBe(0)

    // Changing the choices takes the old link away, so what is shown always matches them.
    await dialog.getByRole('radio', { name: 'Owner' }).check()
    expect(await dialog.getByTestId('share-link').count()).toBe(0)

    await alice.page.keyboard.press('Escape')
    await poll(() => dialog.count()).toBe(0)
    expect(await focused(alice.page)).toBe('share-button')
  })

  test('a server-wide editor token is never put in a copied link; the person is told the recipient needs their own access', async () => {
    const docId = await newDoc(suite.app.url)
    const everywhere = await tokenFor('*', 'editor', { name: 'Alice' })
    const alice = await suite.person(ALICE)
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await openWithToken(alice.page, suite.app.url, docId, everywhere)

    expect(await alice.page.getByTestId('share-button').count()).toBe(0)
    const button = alice.page.getByTestId('copy-link')
    expect(await button.getAttribute('title')).toMatch(/recipient needs their own access/)
    const link = await copyFromHeader(alice)
    expect(link).toBe(`${suite.app.url}/d/${docId}`)
    expect(link).not.toContain('token')
    await poll(() => alice.page.getByTestId('copy-link-note').textContent()).toMatch(/recipient needs their own access/i)
  })

  test('a token for this one document travels with the link, and the button says what it grants', async () => {
    const docId = await newDoc(suite.app.url)
    const editorToken = await tokenFor(docId, 'editor', { name: 'Alice' })
    const alice = await suite.person(ALICE)
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await openWithToken(alice.page, suite.app.url, docId, editorToken)

    const button = alice.page.getByTestId('copy-link')
    expect(await button.getAttribute('aria-label')).toBe('Copy link (can edit)')
    expect(await button.getAttribute('title')).toMatch(/^Copy link \(can edit\)/)
    const link = new URL(await copyFromHeader(alice))
    expect(link.pathname).toBe(`/d/${docId}`)
    expect(link.searchParams.get('token')).toBe(editorToken)
    expect(await alice.page.getByTestId('copy-link-note').textContent()).toBe('')
  })
})

describe.skipIf(skip)('export with access control on', () => {
  const suite = useBrowserSuite({ ai: false, env: { AUTH_SECRET: SECRET } })

  test('export downloads the document with the token in a header, never in an address', async () => {
    const docId = await newDoc(suite.app.url)
    const editorToken = await tokenFor(docId, 'editor', { name: 'Alice' })
    const alice = await suite.person(ALICE)
    const addresses: string[] = []
    alice.page.on('request', (request) => addresses.push(request.url()))
    await openWithToken(alice.page, suite.app.url, docId, editorToken)
    await editor(alice.page).click()
    await write(alice.page, 'Budget notes\nKeep this between us.')
    await expectSaved(alice.page)
    // (The share link itself carried the token; the app took it out of the address bar.)
    addresses.length = 0

    await alice.page.getByTestId('export-menu').getByRole('button', { name: 'Export' }).click()
    const [file] = await Promise.all([alice.page.waitForEvent('download'), alice.page.getByRole('menuitem', { name: /Markdown/ }).click()])
    expect(file.suggestedFilename()).toMatch(/\.md$/)
    expect(file.url()).not.toContain('token=')
    const body = fs.readFileSync(await file.path(), 'utf8')
    expect(body).toContain('Budget notes')
    expect(body).toContain('Keep this between us.')
    const exports = addresses.filter((a) => a.includes('/export'))
    expect(exports.length).toBeGreaterThan(0)
    expect(exports.filter((a) => a.includes(editorToken) || a.includes('token='))).toEqual([])
  })
})

describe.skipIf(skip)('sharing in open mode', () => {
  const suite = useBrowserSuite({ ai: false })

  test('Copy link copies the plain link to the document', async () => {
    const alice = await suite.person(ALICE)
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const docId = await createDocFromHome(alice.page, suite.app.url)
    expect(await alice.page.getByTestId('share-button').count()).toBe(0)
    expect(await alice.page.getByTestId('copy-link').getAttribute('aria-label')).toBe('Copy link')
    expect(await copyFromHeader(alice)).toBe(`${suite.app.url}/d/${docId}`)
  })
})
