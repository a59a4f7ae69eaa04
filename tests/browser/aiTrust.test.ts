/**
 * Trust in AI text with two people (issue 10): everyone sees what is
 * pending, Discard keeps a collaborator's words typed inside the AI's
 * blocks, and Undo right after Accept undoes the AI change, not earlier
 * typing.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { ALICE, BOB, announceSkip, screenshotPath, useBrowserSuite, type Person } from './harness.ts'
import { attr, caretAtEndOf, createDocFromHome, docText, editor, expectConverged, openDoc, poll, selectBlock, textOf, tid, write } from './pages.ts'

const skip = announceSkip('aiTrust.test.ts')

const PLAN = '## The plan\n\nWe start on Monday with the smallest team.\n\nThen we grow.'
const SHORTER = 'Thursday, the big room is booked.'
const MEETING = 'The meeting moves to Thursday because the big room is booked.'

function phase(page: Page): Promise<string | null> {
  return attr(page, tid('ai-panel'), 'data-phase')
}

function pendingText(page: Page): Promise<string> {
  return editor(page).evaluate((root) => Array.from(root.querySelectorAll('.ai-pending'), (el) => el.textContent ?? '').join(''))
}

function pendingLabel(page: Page): Promise<string | null> {
  return textOf(page, '[data-testid="ai-pending-label"]')
}

async function continueWriting(page: Page): Promise<void> {
  await page.getByTestId('toolbar-ai').click()
  await page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
}

describe.skipIf(skip)('AI text in a shared document', () => {
  const suite = useBrowserSuite()

  async function twoPeople(text: string): Promise<[Person, Person]> {
    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await write(alice.page, text)
    await poll(() => docText(bob.page)).toBe(text)
    return [alice, bob]
  }

  test('the other person sees the pending mark while the job runs and after it finishes; it goes on Accept', async () => {
    suite.app.fake.script({ tokens: tokenize(PLAN, 4), pauseAfter: 6 })
    const [alice, bob] = await twoPeople('Launch notes')
    await continueWriting(alice.page)

    // Mid-stream: Bob sees the AI's words marked, with whose job it is.
    await poll(() => pendingText(bob.page).then((t) => t.length > 0)).toBe(true)
    await poll(() => pendingLabel(bob.page)).toBe(`AI · for ${ALICE.name}, writing`)
    // Alice's own title is not marked.
    expect(await pendingText(bob.page)).not.toContain('Launch notes')

    suite.app.fake.release()
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => pendingLabel(bob.page)).toBe(`AI · for ${ALICE.name}, pending`)
    await poll(() => pendingText(bob.page)).toBe('The planWe start on Monday with the smallest team.Then we grow.')
    expect(await pendingText(alice.page)).toBe('The planWe start on Monday with the smallest team.Then we grow.')
    await bob.page.screenshot({ path: screenshotPath('ai-pending.png') })

    await alice.page.getByTestId('ai-accept').click()
    await poll(() => pendingText(bob.page)).toBe('')
    await poll(() => pendingLabel(bob.page)).toBeNull()
    expect(await pendingText(alice.page)).toBe('')
    expect(await docText(bob.page)).toBe('Launch notes\nThe plan\nWe start on Monday with the smallest team.\nThen we grow.')
  })

  test("Bob's sentence typed inside an AI paragraph survives Alice's Discard, and is not marked as the AI's", async () => {
    suite.app.fake.script({ tokens: tokenize(PLAN, 4) })
    const [alice, bob] = await twoPeople('Launch notes')
    await continueWriting(alice.page)
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(bob.page)).toBe('Launch notes\nThe plan\nWe start on Monday with the smallest team.\nThen we grow.')

    // Bob adds to the paragraph the AI created.
    await caretAtEndOf(bob.page, 2)
    await bob.page.keyboard.type(' Bob agrees.')
    await poll(() => docText(alice.page)).toBe('Launch notes\nThe plan\nWe start on Monday with the smallest team. Bob agrees.\nThen we grow.')
    await poll(() => pendingText(alice.page)).toBe('The planWe start on Monday with the smallest team.Then we grow.')

    await alice.page.getByTestId('ai-discard').click()
    await poll(() => phase(alice.page)).toBeNull()
    // The AI's words are gone; Bob's stay where he typed them.
    await poll(() => docText(bob.page)).toBe('Launch notes\n Bob agrees.')
    await expectConverged(alice.page, bob.page)
    expect(await pendingText(bob.page)).toBe('')
  })

  test('Bob splits an AI paragraph, makes one a heading and another a list item: the AI text stays marked and Discard still takes all of it, keeping Bob\'s words', async () => {
    const three = 'First AI paragraph here.\n\nSecond AI paragraph with words.\n\nThird AI paragraph.'
    suite.app.fake.script({ tokens: tokenize(three, 4) })
    const [alice, bob] = await twoPeople('Title\n')
    await continueWriting(alice.page)
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(bob.page)).toBe('Title\nFirst AI paragraph here.\nSecond AI paragraph with words.\nThird AI paragraph.')

    // Enter in the middle of the first AI paragraph, then a word of Bob's.
    await caretAtEndOf(bob.page, 1)
    await bob.page.keyboard.press('ArrowLeft')
    await bob.page.keyboard.press('ArrowLeft')
    await bob.page.keyboard.press('Enter')
    await bob.page.keyboard.type('Bob ')
    // The second AI paragraph becomes a heading, the third a bullet item.
    await caretAtEndOf(bob.page, 3)
    await bob.page.getByRole('button', { name: 'Heading 2' }).click()
    await caretAtEndOf(bob.page, 4)
    await bob.page.getByRole('button', { name: 'Bullet list' }).click()
    await poll(() => editor(alice.page).evaluate((root) => `${root.querySelectorAll('h2').length} ${root.querySelectorAll('li').length}`)).toBe('1 1')
    await poll(() => docText(alice.page).then((t) => t.includes('Bob '))).toBe(true)
    // Still all marked as the AI's, except Bob's word.
    await poll(() => pendingText(alice.page)).toBe('First AI paragraph here.Second AI paragraph with words.Third AI paragraph.')
    await poll(() => pendingText(bob.page)).toBe('First AI paragraph here.Second AI paragraph with words.Third AI paragraph.')

    await alice.page.getByTestId('ai-discard').click()
    await poll(() => phase(alice.page)).toBeNull()
    // Every AI character is gone, Bob's word stays; no empty heading or list is left.
    await poll(() => docText(bob.page).then((t) => t.split('\n').filter((l) => l !== ''))).toEqual(['Title', 'Bob '])
    expect(await editor(bob.page).evaluate((root) => root.querySelectorAll('h2, li').length)).toBe(0)
    await expectConverged(alice.page, bob.page)
  })

  test('Undo right after Accept undoes the rewrite, not earlier typing; Redo brings it back; Bob’s Undo leaves it alone', async () => {
    const [alice, bob] = await twoPeople('Team update')
    await write(alice.page, `\n${MEETING}\nBring questions.`)
    const original = `Team update\n${MEETING}\nBring questions.`
    await poll(() => docText(bob.page)).toBe(original)
    // Bob made an edit of his own earlier, which his Undo may take back.
    await caretAtEndOf(bob.page, 2)
    await bob.page.keyboard.type('!')
    const before = `Team update\n${MEETING}\nBring questions.!`
    await poll(() => docText(alice.page)).toBe(before)

    suite.app.fake.script({ tokens: tokenize(SHORTER, 5) })
    await selectBlock(alice.page, 1)
    const bubble = alice.page.getByTestId('ai-bubble-menu')
    await bubble.getByRole('button', { name: 'Ask AI' }).click()
    await bubble.getByRole('menuitem', { name: 'Make shorter' }).click()
    await poll(() => phase(alice.page)).toBe('finished')
    const rewritten = `Team update\n${SHORTER}\nBring questions.!`
    await poll(() => docText(bob.page)).toBe(rewritten)
    await alice.page.getByTestId('ai-accept').click()
    await poll(() => phase(alice.page)).toBeNull()

    // Bob's Undo takes back his own "!", never Alice's AI change.
    await editor(bob.page).click()
    await bob.page.keyboard.press('Control+z')
    await poll(() => docText(alice.page)).toBe(`Team update\n${SHORTER}\nBring questions.`)

    await editor(alice.page).click()
    await alice.page.keyboard.press('Control+z')
    await poll(() => docText(bob.page)).toBe(`Team update\n${MEETING}\nBring questions.`)
    expect(await docText(alice.page)).toBe(`Team update\n${MEETING}\nBring questions.`)

    await alice.page.keyboard.press('Control+Shift+z')
    await poll(() => docText(bob.page)).toBe(`Team update\n${SHORTER}\nBring questions.`)
    await expectConverged(alice.page, bob.page)
  })
})
