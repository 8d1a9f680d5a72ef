/** A shared "now" that ticks once a second, for live edges and ages, while something needs it. */
class Clock {
  now = $state(Date.now());
  private users = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Returns the release function; the timer runs only while someone holds the clock. */
  hold(): () => void {
    if (this.users++ === 0) {
      // Written, never read, here: holding the clock from an effect does not subscribe to it.
      this.now = Date.now();
      this.timer = setInterval(() => (this.now = Date.now()), 1_000);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) clearInterval(this.timer);
    };
  }
}

export const clock = new Clock();
