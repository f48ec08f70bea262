/**
 * Partner-search matching (kumppanihaku): how well an organisation on the other side of the divide
 * fits a partner search. Pure, so that the weights are unit-tested; the features come from SQL run
 * under the viewer's row-level security (post.service.ts), so only what the viewer may see counts.
 */

/** What the database found about one (post, organisation) pair. */
export interface MatchFeatures {
  /** How many themes the post names. */
  postThemes: number;
  /** Theme codes of the post that the organisation's projects share. */
  sharedThemes: string[];
  /** Postal codes of the post (areas, event place, project) where the organisation works or is based. */
  sharedPostalCodes: string[];
  /** Municipalities (Finnish names) the post and the organisation share. */
  sharedMunicipalities: string[];
  /** Projects in which the organisation and the post's author have both taken part. */
  projectsTogether: number;
}

export interface MatchScore {
  score: number;
  reasons: string[];
}

/** Weights of the three signals; they add up to 1, so a score is 0–1. */
export const MATCH_WEIGHTS = { themes: 0.5, area: 0.3, cooperation: 0.2 } as const;

/**
 * Themes count as the share of the post's themes the organisation works on; area is 1 for a shared
 * postal area and 0.5 for a shared municipality only; past cooperation saturates at two projects.
 */
export function scoreMatch(features: MatchFeatures, authorName: string): MatchScore {
  const themes = features.postThemes > 0 ? Math.min(1, features.sharedThemes.length / features.postThemes) : 0;
  const area = features.sharedPostalCodes.length > 0 ? 1 : features.sharedMunicipalities.length > 0 ? 0.5 : 0;
  const cooperation = Math.min(1, features.projectsTogether / 2);
  const score = MATCH_WEIGHTS.themes * themes + MATCH_WEIGHTS.area * area + MATCH_WEIGHTS.cooperation * cooperation;
  const reasons: string[] = [];
  if (features.sharedThemes.length > 0) reasons.push(`shared themes: ${features.sharedThemes.join(', ')}`);
  if (features.sharedPostalCodes.length > 0) reasons.push(`works in the same postal areas: ${features.sharedPostalCodes.join(', ')}`);
  else if (features.sharedMunicipalities.length > 0) reasons.push(`works in the same municipality: ${features.sharedMunicipalities.join(', ')}`);
  if (features.projectsTogether > 0) {
    reasons.push(`${features.projectsTogether} project${features.projectsTogether === 1 ? '' : 's'} together with ${authorName}`);
  }
  return { score: Math.round(score * 1000) / 1000, reasons };
}

/** The schemes across the divide from `side`: Kake for Leader and vice versa; both when `side` is both or neither. */
export function otherSide(side: readonly string[]): string[] {
  const other = ['KAKE', 'LEADER'].filter((scheme) => !side.includes(scheme));
  return other.length > 0 ? other : ['KAKE', 'LEADER'];
}
