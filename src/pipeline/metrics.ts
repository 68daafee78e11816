import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * `/metrics` (operator.md, Observability), one registry per server: requests by interface and
 * errcode, their duration, faults fired, deliveries by status, store errors, the journal's
 * backlog, and prom-client's process metrics. Labels are interface names, errcodes and statuses:
 * never a token, a secret or an appid.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'wxkf_requests_total',
    help: 'WeChat-side requests answered, by interface and errcode',
    labelNames: ['interface', 'errcode'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'wxkf_request_duration_seconds',
    help: 'Time to answer a WeChat-side request, by interface',
    labelNames: ['interface'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly faultsFired = new Counter({
    name: 'wxkf_faults_fired_total',
    help: 'Calls an injected fault answered or delayed',
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'wxkf_deliveries_total',
    help: "Pushes to apps' webhooks, kf events and URL checks, by final status",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'wxkf_store_errors_total',
    help: 'Store operations that failed (a WeChat call answered -1, a journal flush or a delivery kept for later)',
    registers: [this.registry],
  });

  constructor(journalBacklog: () => number) {
    new Gauge({
      name: 'wxkf_journal_backlog',
      help: 'Journal entries answered but not yet written to the store',
      registers: [this.registry],
      collect() {
        this.set(journalBacklog());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  request(iface: string, errcode: number, seconds: number): void {
    this.requests.inc({ interface: iface, errcode: String(errcode) });
    this.duration.observe({ interface: iface }, seconds);
  }

  delivery(status: string): void {
    this.deliveries.inc({ status });
  }
}
