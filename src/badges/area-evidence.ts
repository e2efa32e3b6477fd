import type { ProgressRepo } from '../progress/progress.repo';
import type { AreaEvidence, ConfirmedOutcome } from './badges.ports';

/**
 * Whether a learner's area is complete, read from outcome progress: every outcome marked achieved. Stands in until
 * the evidence review (issue 32, item 1) says who confirmed each outcome; then the review's own answer replaces it.
 */
export function achievedOutcomesEvidence(progress: Pick<ProgressRepo, 'outcomes'>): AreaEvidence {
  return {
    async confirmedArea(learnerId, _areaId, outcomeIds) {
      const saved = new Map((await progress.outcomes(learnerId)).map((o) => [o.outcomeId, o]));
      const confirmed: ConfirmedOutcome[] = [];
      for (const id of outcomeIds) {
        const o = saved.get(id);
        if (o?.status !== 'achieved') return null;
        confirmed.push({ outcomeId: id, confirmedAt: o.updatedAt, confirmedBy: null });
      }
      return outcomeIds.length ? confirmed : null;
    },
  };
}
