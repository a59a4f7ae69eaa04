export { DOC_ID_PATTERN, DOC_ID_RULE, isValidDocId, newDocId } from './docId.ts'
export { CloseCode, CLOSE_REASONS, isPermanentClose } from './closeCodes.ts'
export type { CloseCodeName, CloseCodeValue } from './closeCodes.ts'
export type { ApiErrorBody, ApiErrorCode } from './apiErrors.ts'
export { ROLES, isRole, roleAtLeast } from './roles.ts'
export type { Role } from './roles.ts'
export {
  AI_OPS,
  AI_PRESETS,
  AI_PRESET_LABELS,
  AI_INSTRUCTION_HARD_MAX,
  AI_EVENT_RETENTION_MS_DEFAULT,
  AI_HEARTBEAT_HEADER,
  AiRequestSchema,
  isTerminalEvent,
  parseAiEvent,
} from './aiProtocol.ts'
export type {
  AiOp,
  AiPreset,
  AiRequest,
  AiJobStatus,
  AiErrorCode,
  AiUsage,
  AiEvent,
  AiEventType,
  AiEventRecord,
  AiAwarenessState,
  AiAcceptResult,
} from './aiProtocol.ts'
export { deleteSetFromRanges, rangesFromDeleteSet, rangeEnds, readItemRanges } from './itemRanges.ts'
export type { ItemRanges } from './itemRanges.ts'
export { deleteUnlessOccupied, OccupiedUndoManager } from './undoRule.ts'
export type { DocSummary, DocListResponse, CreateDocResponse, HealthResponse, AiStatusResponse, ExportFormat } from './apiTypes.ts'
export { DOC_FIELD, documentExtensions, documentSchema } from './editorSchema.ts'
// shared/collabWire.ts is imported directly, not from here: it imports yjs
// and y-protocols, which the bundler keeps (side effects) in every chunk that
// imports a value from this index; the client's first chunk must not need them.
