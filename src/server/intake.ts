/**
 * Group commit of webhook updates. Each accepted update must be in the SQLite inbox before its
 * 200; committing each one in its own transaction cost ~45 µs of the webhook thread per update
 * (a WAL frame per touched page, per commit), most of it the commit itself. Updates whose bodies
 * finished in the same event-loop turn are stored together in one transaction right after that
 * turn's I/O (setImmediate), and only then answered: the guarantee is the same (stored before
 * acknowledged), the cost per update under load is a third, and a lone update waits no longer
 * than the rest of the current turn.
 */
import type { DedupeStore, InboxItem } from '../storage/stores.js';

interface Waiting {
  item: InboxItem;
  resolve: (fresh: boolean) => void;
  reject: (err: unknown) => void;
}

export class InboxIntake {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly inbox: DedupeStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Stores the update (with others of this turn); resolves true when it is new, false for a
   * duplicate delivery, after the transaction committed. Rejects when the write failed (then
   * nothing of the batch was stored, and each caller answers an error, so the platform retries).
   */
  claim(item: InboxItem): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Updates waiting for the next commit. */
  get pending(): number {
    return this.waiting.length;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    let fresh: boolean[];
    try {
      fresh = this.inbox.claimAll(batch.map((w) => w.item), this.now());
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(fresh[i]!);
  }
}
