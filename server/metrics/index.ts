export { Metrics, type MetricSources, type AiJobStatus, type HotCounts } from './metrics.ts'
export { isLoopbackAddress, metricsAllowed } from './access.ts'
