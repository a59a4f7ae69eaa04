import { MemoryStore } from '../../server/storage/memory.ts'
import { storageContract } from './contract.ts'
import { versionsContract } from './versionsContract.ts'

const memory = { name: 'memory', create: async () => new MemoryStore() }
storageContract(memory)
versionsContract(memory)
