/**
 * Model answers the streaming tests replay token by token. Each is written
 * the way chat models write markdown; none uses setext headings, tables
 * without leading pipes or reference links, whose streaming needs a block to
 * change type (tested separately).
 */
export const GOLDENS: Readonly<Record<string, string>> = {
  article: [
    '# Launch plan for **v2**',
    '',
    'We ship on *Friday*, after the `release-check` job passes. See the [runbook](https://runbook.example/v2 "Runbook") for details.',
    '',
    '## Steps',
    '',
    '1. Freeze the branch',
    '2. Run the **full** suite:',
    '   - unit tests',
    '   - browser tests with `--headed`',
    '3. Tag the release',
    '',
    '> Remember: _small_ steps beat ~~big~~ heroic ones.',
    '',
    '---',
    '',
    '```bash',
    'npm run build && npm test',
    'git tag v2.0.0',
    '```',
    '',
    'That is all.',
  ].join('\n'),

  emphasis: [
    'Some ***bold italic*** text, a **bold `code` mix**, and [**a bold link**](https://x.example/a_b).',
    '',
    'Literal stars: 2 * 3 = 6, snake_case_name, \\*escaped\\*, and a lone backslash \\\\ too.',
    '',
    'Nested *italic with **bold** inside* and ~strike~ and ~~double strike~~.',
  ].join('\n'),

  lists: [
    '- first level',
    '  - second level',
    '    - third level with *emphasis*',
    '  - back to second',
    '- another first',
    '',
    '  with a second paragraph',
    '',
    '3. starts at three',
    '4. then four',
    '',
    '* [ ] a task',
    '* [x] a done task',
  ].join('\n'),

  code: [
    'Here is code:',
    '',
    '~~~python',
    '# not a heading',
    'print("**not bold**")',
    '~~~',
    '',
    '    indented code',
    '    second line',
    '',
    'Inline `a * b` and ``code with ` backtick``.',
  ].join('\n'),

  breaks: 'Line one  \nline two\\\nline three\n\nAT&amp;T &copy; 2024 &mdash; <b>html</b> stays as text<br>after break',

  paragraph:
    'Collaborative editing works best when everyone can see what the others are doing. **Presence** matters: cursors, selections and *who is typing where*. The AI is just another collaborator, with its own `caret`.',

  quoteAndHeadings: ['> ### Quoted heading', '> - item in quote', '> - another', '', '#### Small heading', '', 'Final words.'].join('\n'),

  tablesAndTasks: [
    '## Plan',
    '',
    '| Step | Owner | Link |',
    '|------|:-----:|------|',
    '| Build | **Ana** | [ci](https://ci.example/run?id=1) |',
    '| Ship *v2* | Bo | <mark>today</mark> |',
    '',
    '- [ ] Write the notes',
    '- [x] Tag the release',
    '  - [ ] Announce on [the blog](https://blog.example)',
    '  - plain sub-item',
    '    1. first',
    '    2. second',
    '',
    '1. Ordered',
    '   - nested bullet',
    '     - deeper with <u>underline</u>',
    '',
    'Done.',
  ].join('\n'),
}
