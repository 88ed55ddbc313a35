/** A Kubernetes API error: the HTTP status and the API's own Status object, kept whole. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly details?: {
      readonly causes?: readonly {
        readonly field?: string;
        readonly message?: string;
        readonly reason?: string;
      }[];
    },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The cluster could not be reached (connection refused, reset, TLS failure). */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}
