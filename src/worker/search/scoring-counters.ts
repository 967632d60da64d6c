/** How often each shortcut answered, for tests that must see it taken (never read on the query path). */
export const scoringCounters = {
  commonTermAnswers: 0,
  topListAnswers: 0,
  countedApart: 0,
  essentialLists: 0,
  listFirst: 0,
  listFirstFullPass: 0,
  /** Shards answered empty without their filter columns: no list of the plan has a posting there. */
  shardsWithoutCandidates: 0,
  /** Facets counted from the filter columns, the shard's facet column not made yet (`FACET_COLUMN_SHARE`). */
  facetsWithoutColumn: 0,
};
