export type { AiAdmission, Admission, AdmissionLimits, AdmissionRefusal, AdmissionRequest } from './types.ts'
export { MemoryAdmission } from './memory.ts'
export { connectRedisAdmission, RedisAdmission, REDIS_ADMISSION_DEFAULTS } from './redis.ts'
export type { RedisAdmissionOptions } from './redis.ts'
