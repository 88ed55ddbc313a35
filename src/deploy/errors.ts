/** A deploy that could not go on: the message names the object and the reason; `hint` says what to do. */
export class DeployError extends Error {
  override readonly name = "DeployError";
  constructor(
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Another deploy holds the app's lock. */
export class LockedError extends DeployError {}

/** Waiting ran out of time, or an object failed: which objects, and why. */
export class RolloutError extends DeployError {
  constructor(
    message: string,
    readonly failures: readonly { readonly object: string; readonly reason: string }[],
    hint?: string,
  ) {
    super(message, hint);
  }
}
