/** An admin API failure: an HTTP status and a message naming the field. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A session route's refusal carries what the WeChat API would answer (sessions.md). */
    readonly errcode?: number,
  ) {
    super(message);
  }
}
