/** An error with an HTTP status, thrown where the failure is known and mapped by the error middleware. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
