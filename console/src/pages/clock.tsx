import { useState } from 'preact/hooks';
import { time } from '../api';
import { Badge, ErrorNote, Section, useAction, usePoll, type Props } from '../ui';

export function ClockPage({ api }: Props) {
  const clock = usePoll(() => api.get<{ now: number; frozen: boolean; offset: number }>('/clock'), [api], 1000);
  const act = useAction();
  const [set, setSet] = useState('');
  const move = (body: unknown) => act.run(async () => (await api.post('/clock', body), clock.reload()));
  const c = clock.data;
  return (
    <>
      <h1>Clock</h1>
      <Section title="Deployment clock">
        <ErrorNote error={clock.error} />
        {c && (
          <div class="clock">
            <div class="clock-now" data-testid="clock-now">
              {time(c.now)} UTC
            </div>
            <div>
              {c.frozen ? <Badge tone="warn">frozen</Badge> : <Badge tone="ok">running</Badge>}{' '}
              <span class="muted">offset {c.offset} s from real time</span>
            </div>
          </div>
        )}
        <p class="muted">Every node reads this clock: token expiry, the 48-hour window, quotas and the journal follow it.</p>
        <div class="button-row">
          <button onClick={() => move({ advance: 3600 })}>+1 hour</button>
          <button onClick={() => move({ advance: 7200 })}>+2 hours</button>
          <button onClick={() => move({ advance: 86400 })}>+1 day</button>
          <button onClick={() => move({ advance: 48 * 3600 })}>+48 hours</button>
          <button class="secondary" onClick={() => move({ freeze: true })}>
            Freeze
          </button>
          <button class="secondary" onClick={() => move({ real: true })}>
            Real time
          </button>
        </div>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const t = Date.parse(set.endsWith('Z') ? set : `${set}Z`);
            if (Number.isNaN(t)) act.setError('set: give a date and time, such as 2027-01-01 00:00:00');
            else void move({ set: Math.floor(t / 1000) });
          }}
        >
          <input
            name="set"
            placeholder="2027-01-01 00:00:00 (UTC)"
            value={set}
            onInput={(e) => setSet((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Set</button>
        </form>
        <ErrorNote error={act.error} />
      </Section>
    </>
  );
}
