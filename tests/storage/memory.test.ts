import { MemoryStore } from '../../server/storage/memory.ts'
import { storageContract } from './contract.ts'

storageContract({ name: 'memory', create: async () => new MemoryStore() })
