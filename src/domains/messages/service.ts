import type { Clock } from '../../platform/clock.js';
import type { AppRecord, CallCount, FlowDecision, FlowState, Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import { SEND_PATH, decideSend, decideTyping, sendPrefix, type MessageCall, type Verdict } from './rules.js';

/** custom/send and typing: each call is one user transaction (rules decided under the user's lock). */
export class MessagesService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * One user transaction; with `count`, check 8 is counted in it (one write per call). Past the
   * quota nothing is decided and the pipeline answers 45009 (the call is in the journal only).
   */
  private async run(
    call: MessageCall,
    prefixes: string[],
    decide: (c: MessageCall, s: FlowState) => FlowDecision<Verdict>,
    count: CallCount | undefined,
  ) {
    const openid = typeof call.body.touser === 'string' ? call.body.touser : null;
    const out = await this.store.userFlow(call.app.appid, openid, prefixes, call.now, (s) => decide(call, s), count);
    if (count && !count.admitted) return;
    if (out.result) throw new WxError(out.result.err, out.result.why);
  }

  async send(app: AppRecord, body: Record<string, unknown>, rid: string, count?: CallCount): Promise<void> {
    const prefix = sendPrefix(app, body);
    await this.run({ app, path: SEND_PATH, body, rid, now: this.clock.now() }, prefix ? [prefix] : [], decideSend, count);
  }

  async typing(app: AppRecord, path: string, body: Record<string, unknown>, rid: string, count?: CallCount): Promise<void> {
    await this.run({ app, path, body, rid, now: this.clock.now() }, [], decideTyping, count);
  }
}
