/**
 * Puts a build's catalogue files into an R2 bucket, only the objects the
 * bucket does not hold yet. Chunk names carry content hashes, so an object
 * already uploaded under a name holds exactly those bytes; the bucket's
 * `uploaded.json` lists every name a finished upload put there. The manifest
 * goes last (after every chunk it names), then the list: a Worker reading the
 * bucket meanwhile sees the old build or the new one, never a manifest naming
 * a chunk that is not there yet. Older builds' objects are kept, so isolates
 * still serving the previous manifest keep working.
 *
 * No Node imports: the same code loads Miniflare's R2 for `npm start`, a real
 * bucket through wrangler for `npm run deploy:r2`, and the test bucket inside
 * workerd (test/storage/load-r2-bucket.ts).
 */
import { MANIFEST_PATH, r2Key } from "../../src/shared/manifest";

/** The folders and file of a build that are served from the bucket; the widget stays in static assets. */
export const CATALOGUE_PREFIXES = ["/records/", "/series/", "/search/", "/packs/"];
export const UPLOADED_KEY = "uploaded.json";

export interface BuildSource {
  /** Asset paths of the build (`/records/0.<hash>.jsonz`, `/manifest.json`, …). */
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
}

export interface BucketTarget {
  /** The object's text, or null when there is none. */
  getText(key: string): Promise<string | null>;
  put(key: string, bytes: Uint8Array | string): Promise<void>;
}

export interface UploadResult {
  uploaded: number;
  uploadedBytes: number;
  /** Objects the bucket already held. */
  kept: number;
}

export function isCatalogueFile(path: string): boolean {
  return path === MANIFEST_PATH || CATALOGUE_PREFIXES.some((p) => path.startsWith(p));
}

/**
 * Objects put between two writes of the list: an upload stopped midway (17 GiB at 10M records, some 25 minutes
 * into Miniflare's R2) starts again from the last list, not from nothing.
 */
export const UPLOAD_CHECKPOINT_OBJECTS = 256;

/**
 * Uploads what the bucket lacks, `parallel` objects at a time; the manifest and the list last. Every
 * `checkpointEvery` objects the list is rewritten with those put so far (the manifest still names the old build's
 * chunks only, so a reader never sees it name one not there).
 */
export async function uploadBuild(
  source: BuildSource,
  target: BucketTarget,
  parallel = 8,
  checkpointEvery = UPLOAD_CHECKPOINT_OBJECTS,
): Promise<UploadResult> {
  const paths = (await source.list()).filter(isCatalogueFile);
  if (!paths.includes(MANIFEST_PATH))
    throw new Error(`r2-upload: the build has no ${MANIFEST_PATH}; run npm run build`);
  const listed = await target.getText(UPLOADED_KEY);
  const held = new Set<string>(listed ? (JSON.parse(listed) as string[]) : []);
  const todo = paths.filter((p) => p !== MANIFEST_PATH && !held.has(p));
  const result: UploadResult = { uploaded: 0, uploadedBytes: 0, kept: paths.length - 1 - todo.length };
  const put = async (path: string) => {
    const bytes = await source.read(path);
    await target.put(r2Key(path), bytes);
    result.uploaded++;
    result.uploadedBytes += bytes.byteLength;
  };
  const writeList = () => target.put(UPLOADED_KEY, JSON.stringify([...held].sort()));
  // One list write at a time, so an older list never lands after a newer one.
  let listing: Promise<void> = Promise.resolve();
  let sinceList = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, todo.length) }, async () => {
      while (next < todo.length) {
        const path = todo[next++]!;
        await put(path);
        held.add(path);
        if (++sinceList >= checkpointEvery) {
          sinceList = 0;
          listing = listing.then(writeList);
          await listing;
        }
      }
    }),
  );
  await listing;
  // The manifest has no hash in its name: always written, and only now that every chunk it names is there.
  await put(MANIFEST_PATH);
  await writeList();
  return result;
}

/** An R2 bucket binding (workerd, or Miniflare's `getR2Bucket`) as an upload target. */
export function bucketTarget(bucket: {
  get(key: string): Promise<{ text(): Promise<string> } | null>;
  put(key: string, value: Uint8Array | string): Promise<unknown>;
}): BucketTarget {
  return {
    getText: async (key) => (await bucket.get(key))?.text() ?? null,
    put: async (key, bytes) => {
      await bucket.put(key, bytes);
    },
  };
}
