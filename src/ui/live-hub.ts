import type { ServerResponse } from "node:http";
import type { LiveEvents } from "./api-types.js";

/** How often an idle stream gets a comment line, so that proxies and the browser keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * The page's live channel: Server-Sent Events (the browser's EventSource reconnects by itself and
 * needs no library). Each client gets the last view at once, and what happened in the operation
 * that is running, then every event as it comes.
 */
export class LiveHub {
  private readonly clients = new Set<ServerResponse>();
  private lastView: LiveEvents["view"] | undefined;
  private operationLog: LiveEvents["operation"][] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor() {
    this.timer = setInterval(() => {
      for (const c of this.clients) c.write(": keep-alive\n\n");
    }, KEEPALIVE_MS);
    this.timer.unref();
  }

  /** Takes a client's response and keeps it open. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      Connection: "keep-alive",
    });
    res.write("retry: 2000\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    if (this.lastView !== undefined) write(res, "view", this.lastView);
    for (const e of this.operationLog) write(res, "operation", e);
  }

  send<K extends keyof LiveEvents>(name: K, data: LiveEvents[K]): void {
    if (name === "view") this.lastView = data as LiveEvents["view"];
    if (name === "operation") {
      const e = data as LiveEvents["operation"];
      // A new operation's first event starts the replay log afresh.
      if (this.operationLog[0]?.operation !== e.operation) this.operationLog = [];
      this.operationLog.push(e);
    }
    for (const c of this.clients) write(c, name, data);
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

function write(res: ServerResponse, name: string, data: unknown): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}
