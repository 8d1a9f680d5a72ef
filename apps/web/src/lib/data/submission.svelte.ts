import { errorMessage } from '../trpc.ts';

/**
 * The state of a form being sent: whether a save is under way (the submit button says so and a
 * second submit is ignored) and what went wrong, in words the form can show.
 */
export class Submission {
  pending = $state(false);
  error = $state<string | null>(null);

  /** Sends unless a save is under way; a failure becomes the form's error, the server's message. */
  async run(send: () => Promise<void>): Promise<void> {
    if (this.pending) return;
    this.error = null;
    this.pending = true;
    try {
      await send();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.pending = false;
    }
  }

  /** A problem found before sending: shown like the server's. */
  fail(message: string): void {
    this.error = message;
  }
}
