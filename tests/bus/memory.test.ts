import { createMemoryHub } from '../../server/bus/memoryBus.ts'
import type { Bus } from '../../server/bus/types.ts'
import { busContract } from './contract.ts'

busContract({
  name: 'memory',
  cluster: async () => {
    const hub = createMemoryHub()
    const buses: Bus[] = []
    return {
      connect: async (options) => {
        const bus = hub.connect(options)
        buses.push(bus)
        return bus
      },
      outage: async () => hub.outage(),
      restore: async () => hub.restore(),
      close: async () => void (await Promise.all(buses.map((b) => b.close()))),
    }
  },
})
