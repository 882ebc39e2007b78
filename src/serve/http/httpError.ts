/**
 * An error a request earns, with its status; said to the client as `{"error": "..."}`, never with a
 * stack. Anything else thrown while answering is hog's fault: a 500 with a generic message, logged.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 413 | 414 | 431 | 503,
    message: string,
  ) {
    super(message);
  }
}
