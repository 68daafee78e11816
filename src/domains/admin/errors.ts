/** An admin API failure: an HTTP status and a message naming the field. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
