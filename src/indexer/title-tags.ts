/**
 * Each doc's title and subject/organisation/place words, as indexed: what related records compare. The words are
 * held once each in a table; each doc's word numbers are a line of a scratch file, read back in doc order (related
 * records reads them twice, doc by doc). Held as one flat array of numbers they took about 50 bytes a record, twice
 * over in a threaded build (the worker got its own copy): a gigabyte at ten million records.
 */
import { DocFile, type DocFileHandle, LineWriter } from "./doc-file";

/** What `fromData` takes back: the words and the file of word numbers, to hand to a worker thread. */
export interface TitleTagsData {
  words: string[];
  file: DocFileHandle;
}

export class TitleTags {
  private readonly ids = new Map<string, number>();
  private words: string[] = [];
  /** Per plan term number, its word's number here (-1: not yet met), for `pushIds`. */
  private byTerm = new Int32Array(1 << 16).fill(-1);
  private writer: LineWriter<number[]> | null;
  private file: DocFile<number[]> | null = null;
  private reading: ReturnType<DocFile<number[]>["inOrder"]> | null = null;
  private handedOver = false;

  /**
   * @param path the scratch file of word numbers (removed by `remove`)
   * @param written the words and file of one written already (`fromData`): read only
   */
  constructor(path: string, written?: TitleTagsData) {
    // Read front to back (related records reads it twice, doc by doc), so without line offsets: 8 bytes a record.
    if (!written) this.writer = new LineWriter<number[]>(path, { indexed: false });
    else {
      this.writer = null;
      this.words = written.words;
      this.file = DocFile.open<number[]>(written.file);
    }
  }

  private idOf(w: string): number {
    let id = this.ids.get(w);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(w, id);
      this.words.push(w);
    }
    return id;
  }

  private writing(): LineWriter<number[]> {
    if (!this.writer) throw new Error("title-tags: no doc is added after finish()");
    return this.writer;
  }

  /** Appends the next doc's words. */
  push(...lists: string[][]): void {
    const out: number[] = [];
    for (const list of lists) for (const w of list) out.push(this.idOf(w));
    this.writing().append(JSON.stringify(out));
  }

  /**
   * Appends the next doc's words given as the plan's term numbers, `termOf` naming them (once a term): `push`
   * without a string lookup.
   */
  pushIds(title: readonly number[], tags: readonly number[], termOf: (term: number) => string): void {
    const out: number[] = [];
    for (const list of [title, tags])
      for (const term of list) {
        if (term >= this.byTerm.length) {
          let length = Math.max(1024, this.byTerm.length);
          while (length <= term) length *= 2;
          const to = new Int32Array(length).fill(-1);
          to.set(this.byTerm);
          this.byTerm = to;
        }
        let id = this.byTerm[term]!;
        if (id < 0) this.byTerm[term] = id = this.idOf(termOf(term));
        out.push(id);
      }
    this.writing().append(JSON.stringify(out));
  }

  /** Every doc is in: drops what only adding needs, and lets `of` read. */
  finish(): void {
    this.ids.clear();
    this.byTerm = new Int32Array(0);
    this.file = this.writing().finish();
    this.writer = null;
  }

  /** Stops adding (a build that failed) and deletes the file. */
  abort(): void {
    this.writer?.abort();
    this.writer = null;
  }

  toData(): TitleTagsData {
    return { words: this.words, file: this.reader().handle() };
  }

  /**
   * `toData()` for a worker that reads the docs' words instead of this thread, which lets its words go: the plan
   * packs its terms (packed-strings.ts), so these would be the only strings of the title words left on it, held
   * through every shard. Only `remove` may be called after.
   */
  handOver(): TitleTagsData {
    const data = this.toData();
    this.words = [];
    this.handedOver = true;
    return data;
  }

  /** The words and file as `toData` gave them (for `of`; no more docs are added). */
  static fromData(data: TitleTagsData): TitleTags {
    return new TitleTags(data.file.path, data);
  }

  private reader(): DocFile<number[]> {
    if (!this.file) throw new Error("title-tags: the docs' words are read once every doc is added (finish)");
    return this.file;
  }

  /** Doc `doc`'s words, in order, repeats kept. Reading in doc order reads the file once through. */
  of(doc: number): string[] {
    if (this.handedOver) throw new Error("title-tags: the words were handed over to a worker (handOver)");
    this.reading ??= this.reader().inOrder();
    return this.reading.at(doc).map((id) => this.words[id]!);
  }

  /** Deletes the scratch file (once related records are made). */
  remove(): void {
    this.reading?.close();
    this.reading = null;
    this.abort();
    this.file?.remove();
  }
}
