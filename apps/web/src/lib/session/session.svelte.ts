import { errorMessage, onUnauthorized, trpc } from '../trpc.ts';

export type User = NonNullable<Awaited<ReturnType<typeof trpc.auth.me.query>>>;

/** Who is signed in, as the server sees it (the cookie is HttpOnly, so only the server can tell). */
class Session {
  user = $state<User | null>(null);
  status = $state<'checking' | 'ready' | 'error'>('checking');
  /** Why the last check failed (server unreachable…), shown with a retry. */
  error = $state<string | null>(null);
  /** Why the user was sent back to the login page, if not by their own choice. */
  notice = $state<string | null>(null);

  constructor() {
    onUnauthorized(() => this.expire());
  }

  async check(): Promise<void> {
    this.status = 'checking';
    try {
      this.user = await trpc.auth.me.query();
      this.error = null;
      this.status = 'ready';
    } catch (error) {
      this.error = errorMessage(error);
      this.status = 'error';
    }
  }

  /** Throws with a message fit for the form when the server refuses. */
  async login(username: string, password: string): Promise<void> {
    let me: User | null;
    try {
      await trpc.auth.login.mutate({ username, password });
      // Asking again proves the browser kept the cookie (a Secure cookie over plain HTTP is dropped).
      me = await trpc.auth.me.query();
    } catch (error) {
      throw new Error(errorMessage(error), { cause: error });
    }
    if (!me) throw new Error('signed in, but the browser did not keep the session cookie; open Vigia at its public URL (https?)');
    this.notice = null;
    this.user = me;
    this.status = 'ready';
  }

  async logout(): Promise<void> {
    try {
      await trpc.auth.logout.mutate();
    } catch {
      // Already signed out on the server, or unreachable: either way this browser is done.
    }
    this.notice = null;
    this.user = null;
  }

  private expire(): void {
    if (!this.user) return;
    this.user = null;
    this.notice = 'Your session has ended. Sign in again to continue.';
  }
}

export const session = new Session();
