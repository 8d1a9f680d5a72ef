/** An error in Prometheus' API terms: `bad_data` for the request's fault (400), `execution` for evaluation (422). */
export class PromqlError extends Error {
  constructor(
    message: string,
    readonly errorType: 'bad_data' | 'execution' | 'timeout' | 'internal' = 'bad_data',
  ) {
    super(message);
  }

  get status(): number {
    return { bad_data: 400, execution: 422, timeout: 503, internal: 500 }[this.errorType];
  }
}
