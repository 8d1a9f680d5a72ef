import { errorMessage } from '../trpc.ts';

/**
 * The state of a list whose rows have actions (end a silence, pause a probe, remove an SLO):
 * which row asks "are you sure?", which one is being changed, the last failure, and the line
 * that says what was done.
 */
export class RowActions<Key> {
  confirming = $state<Key | null>(null);
  busy = $state<Key | null>(null);
  error = $state<string | null>(null);
  done = $state('');
  /** Set by the list: where focus goes once the form closes, or once an action took a row away. */
  newButton = $state<HTMLButtonElement>();

  constructor(private readonly reload: () => Promise<unknown>) {}

  /** Runs an action on one row; `action` answers with what to tell the person. */
  async run(key: Key, action: () => Promise<string>, options: { focusNew?: boolean } = {}): Promise<void> {
    this.busy = key;
    this.error = null;
    try {
      const done = await action();
      this.confirming = null;
      this.done = done;
      await this.reload();
      if (options.focusNew) this.newButton?.focus();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = null;
    }
  }
}
