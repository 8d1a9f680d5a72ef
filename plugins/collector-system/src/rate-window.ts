/**
 * The shortest window a rate (CPU busy share, network bytes per second) is computed over.
 *
 * A baseline taken at start-up and the first tick straight after are a few ms apart: the kernel
 * counts CPU time in 10 ms ticks and some drivers refresh their counters only every second or
 * so, so such a window reads 0 % or 100 %, or a burst as a huge rate. Half a second is well past
 * that, yet below the gap between two ticks of a 1 s collector that run a little early or late
 * (a whole second would drop the figure after any tick that ran late).
 */
export const MIN_RATE_WINDOW_MS = 500;
