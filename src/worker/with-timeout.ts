/**
 * One deadline for every awaited binding call (asset reads, shard RPCs): a
 * slow dependency must fail the request with a clear error, not hang it.
 */

/** Settles as `work` does, or rejects with `onTimeout()` after `ms`; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
