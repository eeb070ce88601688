/** What a node holds of an author's chain against what the author announced. */
export interface AuthorProgress {
  held: { seq: number } | undefined
  announced: number
}

/** The entries of an author's chain announced and not yet held here. */
export function lagOf (a: AuthorProgress): number {
  return a.announced - (a.held?.seq ?? 0)
}

export interface ReplicationSummary {
  authors: number
  laggingAuthors: number
  maxLagEntries: number
}

export function replicationSummary (authors: readonly AuthorProgress[]): ReplicationSummary {
  return {
    authors: authors.length,
    laggingAuthors: authors.filter(a => lagOf(a) > 0).length,
    maxLagEntries: Math.max(0, ...authors.map(lagOf))
  }
}
