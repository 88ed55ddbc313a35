import type { ErrorAnswer } from "../api-types.js";

/** An answer the server gave with an error status: its message and hint. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function answer<T>(r: Response): Promise<T> {
  const body = (await r.json().catch(() => ({ error: r.statusText }))) as T | ErrorAnswer;
  if (!r.ok) {
    const e = body as ErrorAnswer;
    throw new ApiError(r.status, e.error, e.hint);
  }
  return body as T;
}

/** GET a JSON answer of this server (the cookie carries the token). */
export async function get<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { credentials: "same-origin" }));
}

/** POST JSON to this server: the browser adds the Origin the server checks. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** An error as one line for the page. */
export function message(e: unknown): string {
  if (e instanceof ApiError) return e.hint === undefined ? e.message : `${e.message} (${e.hint})`;
  return e instanceof Error ? e.message : String(e);
}
