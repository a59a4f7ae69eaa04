/**
 * The model, through the `openai` SDK: any OpenAI-compatible endpoint
 * (OpenAI, Ollama, vLLM, llama.cpp). Failures become typed `AiFailure`s
 * whose codes are the `error` event codes of the protocol.
 */
import OpenAI from 'openai'
import { createParser } from 'eventsource-parser'
import type { AiErrorCode, AiUsage } from '../../shared/aiProtocol.ts'
import type { AiProviderConfig } from '../config.ts'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export type StreamPart = { type: 'text'; text: string } | { type: 'finish'; reason: string } | { type: 'usage'; usage: AiUsage }

export class AiFailure extends Error {
  override name = 'AiFailure'
  constructor(
    readonly code: AiErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

export interface ModelClient {
  readonly model: string
  stream(messages: ChatMessage[], opts: { signal: AbortSignal; maxTokens: number; temperature: number }): AsyncIterable<StreamPart>
}

export function createModelClient(config: AiProviderConfig): ModelClient {
  // No SDK retries: a retry would silently re-run a half-written stream, and
  // a 429's retry-after belongs to the person who asked.
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, maxRetries: 0, timeout: 10 * 60_000 })
  return {
    model: config.model,
    async *stream(messages, { signal, maxTokens, temperature }) {
      // The SDK makes the request (auth, base URL, HTTP errors as APIError),
      // but the body is read here: the SDK's stream iterator copies and
      // re-splits every network chunk through three async generators, which
      // cost about 5 µs more per token (bench/aiParse.ts).
      let response: Response
      try {
        response = await client.chat.completions
          .create({ model: config.model, messages, stream: true, max_tokens: maxTokens, temperature, stream_options: { include_usage: true } }, { signal })
          .asResponse()
      } catch (err) {
        throw toFailure(err)
      }
      try {
        yield* readParts(response, signal)
      } catch (err) {
        throw midStreamFailure(err)
      }
    },
  }
}

/**
 * The `chat.completion.chunk` events of a streamed response, as parts, with
 * the SDK iterator's semantics: everything after `data: [DONE]` is ignored,
 * an `error` object in a chunk is an APIError, malformed JSON throws, and a
 * read that fails because the request was aborted just ends the stream (the
 * job knows why it aborted). Parts are yielded per network read.
 */
async function* readParts(response: Response, signal: AbortSignal): AsyncGenerator<StreamPart> {
  if (!response.body) throw new OpenAI.OpenAIError('Attempted to iterate over a response with no body')
  const parts: StreamPart[] = []
  let done = false
  // A bad event ends the stream, after the parts before it in the same read.
  let failure: unknown = null
  const parser = createParser({
    onEvent(event) {
      if (done || failure !== null) return
      if (event.data.startsWith('[DONE]')) done = true
      // Assistants-API events; chat completions never send them.
      else if (event.event?.startsWith('thread.')) return
      else {
        try {
          chunkParts(event.data, response.headers, parts)
        } catch (err) {
          failure = err
        }
      }
    },
  })
  const decoder = new TextDecoder()
  const reader = response.body.getReader()
  let ended = false
  try {
    for (;;) {
      const { done: end, value } = await reader.read()
      if (end) {
        ended = true
        parser.feed(decoder.decode())
      } else parser.feed(decoder.decode(value, { stream: true }))
      for (const part of parts) yield part
      parts.length = 0
      if (failure !== null) throw failure
      if (ended) return
    }
  } catch (err) {
    if (signal.aborted) return
    throw err
  } finally {
    // Stopped early (the consumer returned, or a bad chunk): let go of the connection.
    if (!ended) reader.cancel().catch(() => {})
  }
}

function chunkParts(data: string, headers: Headers, out: StreamPart[]): void {
  const chunk = JSON.parse(data) as OpenAI.ChatCompletionChunk & { error?: object }
  if (chunk.error) throw new OpenAI.APIError(undefined, chunk.error, undefined, headers)
  for (const choice of chunk.choices ?? []) {
    const text = choice.delta?.content
    if (text) out.push({ type: 'text', text })
    if (choice.finish_reason) out.push({ type: 'finish', reason: choice.finish_reason })
  }
  const u = chunk.usage
  if (u) out.push({ type: 'usage', usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } })
}

/**
 * A failure after tokens started flowing. Errors that are not the API's own
 * (undici's bare "terminated", ECONNRESET) mean the connection was cut, so
 * say that rather than echo the socket library's word for it.
 */
function midStreamFailure(err: unknown): Error {
  if (err instanceof AiFailure || err instanceof OpenAI.APIError) return toFailure(err)
  const detail = (err as Error)?.message ?? String(err)
  return new AiFailure('upstream_error', `The connection to the model endpoint was lost mid-stream (${detail}). The partial text can be discarded.`)
}

export function toFailure(err: unknown): Error {
  if (err instanceof AiFailure) return err
  if (err instanceof OpenAI.APIUserAbortError) return err
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new AiFailure('timeout', 'The model did not answer in time.')
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const detail = err.message ? `: ${err.message}` : ''
    if (err.status === 401 || err.status === 403) {
      return new AiFailure('upstream_auth', `The model endpoint refused the server's credentials (HTTP ${err.status}). Check OPENAI_API_KEY.`)
    }
    if (err.status === 429) {
      const retryAfter = retryAfterSeconds(err.headers)
      return new AiFailure('rate_limited', `The model endpoint is rate limiting requests${retryAfter ? `; try again in ${retryAfter} s` : ''}.`, retryAfter)
    }
    if (err.status >= 500) return new AiFailure('upstream_error', `The model endpoint failed (HTTP ${err.status})${detail}`)
    return new AiFailure('upstream_error', `The model endpoint rejected the request (HTTP ${err.status})${detail}`)
  }
  if (err instanceof OpenAI.APIConnectionError) return new AiFailure('upstream_error', `Could not reach the model endpoint: ${err.message}`)
  return new AiFailure('upstream_error', `The model stream failed: ${(err as Error)?.message ?? String(err)}`)
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after')
  if (!raw) return undefined
  const secs = Number(raw)
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs)
  const date = Date.parse(raw)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}
