import { describe, expect, it } from "vitest";
import { itemKeyFrom, itemKeyOf } from "../../src/indexer/ingest/index";
import { RecordSchema } from "../../src/shared/record";
import { referenceToId } from "../../src/shared/reference";
import { testRecord } from "../record-fixture";

const record = (id: string, reference = "A6119, 141") =>
  testRecord({
    id,
    reference,
    title: "PARKINSON, David",
    series: "A6119",
    source: { name: "naa-recordsearch", url: null },
  });
const idIssue = (id: string, reference?: string) => {
  const result = RecordSchema.safeParse(record(id, reference));
  return result.success ? null : (result.error.issues.find((i) => i.path[0] === "id")?.message ?? null);
};

describe("record ids for items sharing a reference", () => {
  it("accepts the reference's key, or that key followed by an item key", () => {
    expect(idIssue("a-6119-141")).toBeNull();
    expect(idIssue("a-6119-141-b1140156")).toBeNull();
    expect(idIssue("adm-54-334-c6321122", "ADM 54/334")).toBeNull();
  });

  it("refuses a tail that could be another reference's key, naming both accepted forms", () => {
    // "a-6119-141-1140156" is the key of "A6119, 141/1140156", a different reference.
    expect(idIssue("a-6119-141-1140156")).toMatch(/expected "a-6119-141", or "a-6119-141-" plus an item key/);
    expect(idIssue("a-6119-14-b1140156")).not.toBeNull();
    expect(idIssue("kv-2-9999", "KV 2/1250")).not.toBeNull();
  });

  it("never produces an item key that a reference's key could end in", () => {
    for (const raw of ["1140156", "C6321122", "f5a3b7c0-1d2e-4f60-8a9b-0c1d2e3f4a5b", "NAA 12/3"]) {
      const key = itemKeyFrom(raw, "b")!;
      expect(key).toMatch(/^[a-z][a-z0-9]*\d[a-z0-9]*$/);
      expect(referenceToId(key)).not.toBe(key);
    }
    expect(itemKeyFrom("--", "k")).toBeNull();
  });

  it("takes the item key from an explicit itemKey, then the NAA barcode, then the Discovery id", () => {
    const r = record("a-6119-141");
    expect(itemKeyOf(r)).toBeNull();
    expect(itemKeyOf({ ...r, discoveryId: "C6321122" })).toBe("c6321122");
    expect(itemKeyOf({ ...r, barcode: "1140156", discoveryId: "C6321122" })).toBe("b1140156");
    expect(itemKeyOf({ ...r, itemKey: "Vol-2", barcode: "1140156" })).toBe("vol2");
    expect(itemKeyOf({ ...r, itemKey: "17" })).toBe("k17");
    expect(itemKeyOf(record("a-6119-141-b1140156"))).toBe("b1140156");
  });
});
