/**
 * Prompts are built on the server from the document's own content around the
 * anchors; the client sends only positions. The model is asked for markdown,
 * which the writer turns into real formatting.
 */
import type { AiPreset, AiRequest } from '../../shared/aiProtocol.ts'
import type { ChatMessage } from './provider.ts'

const SYSTEM = [
  'You are a writing assistant inside a collaborative document editor.',
  'Reply with only the text to insert into the document, in Markdown (headings, lists, task lists with - [ ] and - [x], GFM tables, **bold**, _italic_, <u>underline</u>, <mark>highlight</mark>, `code`, fenced code blocks, links).',
  // The document reaches the model as Markdown (docText.ts): a table or task list it rewrites should come back as one.
  'Keep tables as tables and task lists as task lists when you rewrite them.',
  'Do not add preambles, explanations, or surrounding quotes. Do not wrap the whole answer in a code block.',
].join(' ')

const PRESET_INSTRUCTIONS: Record<Exclude<AiPreset, 'translate'>, string> = {
  improve: 'Improve the writing: clearer, more fluent, same meaning and roughly the same length.',
  fix: 'Fix spelling, grammar and punctuation. Change nothing else.',
  shorter: 'Make it shorter while keeping the key points.',
  longer: 'Make it longer: expand with relevant detail, in the same voice.',
  formal: 'Rewrite it in a more formal tone.',
  casual: 'Rewrite it in a more casual, friendly tone.',
}

export interface PromptContext {
  /** Document text before the anchor (or selection). */
  before: string
  /** The selected text, for rewrite/summarize of a selection. */
  selection: string
  /** Document text after the anchor (or selection). */
  after: string
  /** The anchor is in a cell of a table this many columns wide. */
  tableColumns?: number
}

export function presetInstruction(req: Pick<AiRequest, 'preset' | 'language' | 'instruction'>): string {
  const parts: string[] = []
  if (req.preset === 'translate') parts.push(`Translate it into ${req.language ?? 'English'}.`)
  else if (req.preset) parts.push(PRESET_INSTRUCTIONS[req.preset])
  if (req.instruction) parts.push(req.instruction)
  return parts.join(' ')
}

export function buildMessages(req: AiRequest, ctx: PromptContext, contextChars: number): ChatMessage[] {
  const before = tail(ctx.before, contextChars)
  const after = head(ctx.after, Math.floor(contextChars / 3))
  let user: string
  switch (req.op) {
    case 'generate':
      user = `Document so far (your text goes at <cursor/>):\n\n${before}<cursor/>${after}\n\nWrite: ${req.instruction ?? ''}`
      break
    case 'continue':
      user = `Continue writing from <cursor/>, in the same language, voice and format. ${ctx.tableColumns ? tableCellHint(ctx.tableColumns) : 'Write one or two paragraphs.'}${req.instruction ? ` Guidance: ${req.instruction}` : ''}\n\n${before}<cursor/>${after}`
      break
    case 'rewrite':
      user = `Rewrite the passage between <selection> and </selection>. ${presetInstruction(req)}\nReturn only the rewritten passage.\n\nContext:\n${tail(before, Math.floor(contextChars / 3))}<selection>${ctx.selection}</selection>${after}`
      break
    case 'summarize': {
      const source = ctx.selection.trim() ? ctx.selection : ctx.before + ctx.after
      user = `Summarize the following${ctx.selection.trim() ? ' passage' : ' document'} in a short paragraph or a few bullet points.${req.instruction ? ` ${req.instruction}` : ''}\n\n${head(source, contextChars)}`
      break
    }
  }
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ]
}

/** The writer adds `| … |` lines written at a table cell as rows of that table (server/ai/writer/tableRows.ts). */
function tableCellHint(columns: number): string {
  return `The cursor is in a table cell: either continue that cell's text on one line, or add rows to the table as lines of ${columns} cells like \`|${' … |'.repeat(columns)}\`, without a header or delimiter row.`
}

function tail(s: string, n: number): string {
  return s.length <= n ? s : '…' + s.slice(s.length - n)
}

function head(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n) + '…'
}
