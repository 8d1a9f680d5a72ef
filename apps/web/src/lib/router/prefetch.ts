// The route table registers how to warm a page's code; pages that want it call prefetch() here.
// The indirection keeps LoginPage (loaded eagerly by the route table) from importing the table.
let warm: (path: string) => void = () => {};

export function setPrefetch(fn: (path: string) => void): void {
  warm = fn;
}

/** Warms the cache with a page's code while the visitor is still busy (typing a password). */
export function prefetch(path: string): void {
  warm(path);
}
