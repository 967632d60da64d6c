/** The best k docs of a stream, by final score then catalogue order: scoring.ts's heap and its set form. */
import { bestOf } from "./top-k-term-lists";

/**
 * Keeps the best `k` docs of a stream, by score then catalogue order, as a binary min-heap (worst on top). Reads
 * the score and order columns directly rather than through a comparison closure: it sees every candidate.
 */
export class TopK {
  private readonly heap: number[] = [];
  constructor(
    private readonly k: number,
    /** Doc `i`'s final score is at `f[stride * i + off]` (see `Scores`). */
    private readonly f: Float64Array,
    private readonly stride: number,
    private readonly off: number,
    private readonly order: Uint32Array,
  ) {}

  /** Whether doc `a` ranks above doc `b`. */
  private better(a: number, b: number): boolean {
    const sa = this.f[this.stride * a + this.off]!,
      sb = this.f[this.stride * b + this.off]!;
    return sa > sb || (sa === sb && this.order[a]! < this.order[b]!);
  }

  offer(i: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(i);
      for (let c = h.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (this.better(h[p]!, h[c]!)) {
          const t = h[p]!;
          h[p] = h[c]!;
          h[c] = t;
          c = p;
        } else break;
      }
    } else if (this.k > 0 && this.better(i, h[0]!)) {
      h[0] = i;
      for (let p = 0; ; ) {
        const l = 2 * p + 1,
          r = l + 1;
        let w = p;
        if (l < h.length && this.better(h[w]!, h[l]!)) w = l;
        if (r < h.length && this.better(h[w]!, h[r]!)) w = r;
        if (w === p) break;
        const t = h[p]!;
        h[p] = h[w]!;
        h[w] = t;
        p = w;
      }
    }
  }

  /** Offers every doc of `docs`; one scoring below the k-th best kept is passed over here, without a call. */
  offerAll(docs: ArrayLike<number>): void {
    const { f, heap, k, stride, off } = this;
    for (let j = 0; j < docs.length; j++) {
      const i = docs[j]!;
      if (k > 0 && heap.length === k && f[stride * i + off]! < f[stride * heap[0]! + off]!) continue;
      this.offer(i);
    }
  }

  /** The score of the k-th best doc kept; -Infinity while fewer than k are. */
  kthScore(): number {
    return this.k > 0 && this.heap.length === this.k ? this.f[this.stride * this.heap[0]! + this.off]! : -Infinity;
  }

  /** Best first. */
  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }
}

/**
 * The best `k` of `docs` by `score` then catalogue `order`, in no order: the set a `TopK` of `k` keeps (see
 * `bestOf`). Scores are read at `score[stride * i + off]`.
 */
export function bestSet(
  docs: ArrayLike<number>,
  k: number,
  score: Float64Array,
  order: Uint32Array,
  stride = 1,
  off = 0,
): number[] {
  return bestOf(docs, docs.length, k, score, stride, off, order).kept;
}

/**
 * Keeps above which `bestSorted` selects the set and sorts it instead of keeping a heap. In Node, over 70,000
 * candidates with few distinct scores: k = 10,000 took the heap 7.7 ms and the selection and sort 4.6; k = 1,000
 * took 1.2 against 2.6, and k = 40 2.4 against 3.2 (the heap passes over most docs once it holds k). The limit lies
 * between the two measured sizes; no size between them was measured.
 */
export const SELECT_ABOVE = 5000;

/**
 * The best `k` of `docs` by score then catalogue order, best first: what a `TopK` of `k` offered every doc keeps,
 * sorted. A date sort keeps 10,000 hits a shard, where a heap takes a dozen steps for most docs it is offered (a 10M
 * group's warm sorted "soviet": 89–91 ms of CPU against 95–96, `scale-cpu.ts --group 0 --sort date`).
 */
export function bestSorted(
  docs: ArrayLike<number>,
  k: number,
  score: Float64Array,
  order: Uint32Array,
  stride = 1,
  off = 0,
): number[] {
  if (k <= SELECT_ABOVE) {
    const top = new TopK(k, score, stride, off, order);
    top.offerAll(docs);
    return top.sorted();
  }
  return bestSet(docs, k, score, order, stride, off).sort(
    (a, b) => score[stride * b + off]! - score[stride * a + off]! || order[a]! - order[b]!,
  );
}
