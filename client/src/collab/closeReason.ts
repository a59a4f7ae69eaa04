import { CloseCode } from '../../../shared/index.ts'

export interface PermanentClose {
  code: number
  title: string
  detail: string
}

/** Words for people, for each permanent refusal the server can send. */
export function describePermanentClose(code: number): PermanentClose {
  switch (code) {
    case CloseCode.Unauthorized:
      return {
        code,
        title: 'This link has expired or is not valid',
        detail: 'Ask the person who shared this document for a new link.',
      }
    case CloseCode.Forbidden:
      return { code, title: "You don't have access", detail: 'Your link does not grant access to this document.' }
    case CloseCode.DocumentDeleted:
      return { code, title: 'Document deleted', detail: 'Someone deleted this document.' }
    case CloseCode.InvalidDocId:
      return { code, title: 'Not a valid document address', detail: 'Check the link and try again.' }
    case CloseCode.DocumentTooLarge:
      return {
        code,
        title: 'This document is too large',
        detail: 'The server refused more changes. Copy recent work elsewhere before reloading.',
      }
    case CloseCode.MessageTooBig:
      return {
        code,
        title: 'A change was too large to send',
        detail: 'Try pasting smaller pieces. Reload the page to reconnect.',
      }
    case CloseCode.OriginNotAllowed:
      return { code, title: 'Connection refused', detail: 'This server does not accept connections from this address.' }
    default:
      return { code, title: 'Disconnected', detail: 'The server closed the connection. Reload the page to try again.' }
  }
}
