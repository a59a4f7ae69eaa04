/**
 * With AUTH_SECRET, a link to an id that was never created: someone who may
 * create it gets "Create it"; someone whose link only lets them view is told
 * so plainly, without a button that can only fail. Either way nothing is
 * created by opening the link.
 */
import { describe, expect, test } from 'vitest'
import { mintToken } from '../../server/auth/tokens.ts'
import type { Role } from '../../shared/roles.ts'
import { ALICE, announceSkip, useBrowserSuite } from './harness.ts'
import { editor } from './pages.ts'

const SECRET = 'a-browser-test-secret-that-is-long-enough-42'
const skip = announceSkip('missingDocAccess.test.ts')

describe.skipIf(skip)('a link to a document that does not exist, with tokens', () => {
  const suite = useBrowserSuite({ ai: false, env: { AUTH_SECRET: SECRET } })
  const token = async (doc: string, role: Role) => (await mintToken(SECRET, { doc, role, name: 'Tess', ttlSeconds: 600 })).token
  const status = async (id: string) => (await fetch(`${suite.app.url}/api/docs/${id}`, { headers: { authorization: `Bearer ${await token('*', 'owner')}` } })).status

  test('a viewer is told they cannot create it; an editor of that id creates it', async () => {
    const alice = await suite.person(ALICE)
    await alice.page.goto(`${suite.app.url}/d/Viewer-typo-1?token=${await token('Viewer-typo-1', 'viewer')}`)
    await alice.page.getByRole('heading', { name: "This document doesn't exist" }).waitFor()
    expect(await alice.page.getByTestId('create-missing').count()).toBe(0)
    expect(await alice.page.getByTestId('missing-doc').textContent()).toContain('Your link lets you view')
    expect(await status('Viewer-typo-1')).toBe(404)

    await alice.page.goto(`${suite.app.url}/d/Editor-typo-1?token=${await token('Editor-typo-1', 'editor')}`)
    await alice.page.getByTestId('create-missing').click()
    await editor(alice.page).waitFor()
    expect(await status('Editor-typo-1')).toBe(200)
  })
})
