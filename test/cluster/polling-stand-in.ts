/**
 * The loop of a TEST STAND-IN for a controller that cannot run here: `reconcile` every 300 ms from
 * `start` until `stop` (a failed round is tried again, as a controller's requeue does).
 */
export abstract class PollingStandIn {
  private stopped = false;
  private loop: Promise<void> | undefined;

  protected abstract reconcile(): Promise<void>;

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.reconcile().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
