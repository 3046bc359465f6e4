/** Prometheus metrics on a registry per server instance (tests run several instances). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  answers: Counter<'channel' | 'intent'>;
  refusals: Counter<'channel' | 'reason'>;
  latency: Histogram<'channel'>;
  webhookRejects: Counter<'channel' | 'reason'>;
  queueDepth: Gauge;
}

export function createMetrics(options: {
  defaultMetrics?: boolean;
  /** Read at scrape time (a gauge set on every queue move cost the webhook thread for nothing). */
  queueDepth?: () => number | undefined;
} = {}): Metrics {
  const depthOf = options.queueDepth;
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({ name: 'troly_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    answers: new Counter({ name: 'troly_answers_total', help: 'Answers by channel and intent', labelNames: ['channel', 'intent'], registers: [registry] }),
    refusals: new Counter({ name: 'troly_refusals_total', help: 'Refused answers (documents do not say)', labelNames: ['channel', 'reason'], registers: [registry] }),
    latency: new Histogram({
      name: 'troly_answer_latency_seconds', help: 'Time to compute an answer', labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
    webhookRejects: new Counter({ name: 'troly_webhook_rejects_total', help: 'Rejected webhook calls', labelNames: ['channel', 'reason'], registers: [registry] }),
    queueDepth: new Gauge({
      name: 'troly_queue_depth', help: 'Reply jobs queued or running', registers: [registry],
      collect() {
        const depth = depthOf?.();
        if (depth !== undefined) this.set(depth);
      },
    }),
  };
}
