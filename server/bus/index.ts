export type {
  AiCommand,
  Bus,
  BusStats,
  BusStatus,
  BusStatusChange,
  ControlMessage,
  DocConnectionCount,
  DocMessage,
  InstanceId,
  Subscription,
} from './types.ts'
export { createMemoryHub } from './memoryBus.ts'
export type { MemoryHub } from './memoryBus.ts'
export { connectRedisBus, REDIS_BUS_DEFAULTS, redactUrl } from './redisBus.ts'
export type { RedisBusOptions } from './redisBus.ts'
