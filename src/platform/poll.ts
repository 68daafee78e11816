/**
 * Waits until `ready` answers true or `seconds` of real time have passed, asking every `everyMs`
 * (a long-poll read: the deployment clock may be frozen, a socket's wait never is). Answers the
 * last value `read` gave.
 */
export async function pollUntil<T>(read: () => Promise<T>, ready: (v: T) => boolean, seconds: number, everyMs = 50): Promise<T> {
  const deadline = performance.now() + seconds * 1000;
  let value = await read();
  while (!ready(value) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(1, deadline - performance.now()))));
    value = await read();
  }
  return value;
}
