// Whether every outcome of a learning area is confirmed for a learner, and the hook that hears when that changes.
// The badges feature (Open Badges 3.0, issue 32) issues a credential when an area becomes confirmed and may note when it
// stops being so; it reads areaConfirmed and wires onAreaChange in the composition root.
import type { Area, Pack } from '../content/types';
import type { OutcomeProgress, ProgressRepo } from '../progress/progress.repo';

/** One outcome a trainer confirmed: who, when and what they said. */
export interface ConfirmedOutcome {
  id: string;
  /** The reviewer's name at the time (kept after their account is gone). */
  confirmedBy: string;
  /** The reviewer's user id; null once their account is deleted. */
  confirmedById: number | null;
  confirmedAt: Date;
  /** Their comment, possibly empty. */
  comment: string;
  /** The evidence they confirmed (the learner's own words: private unless the learner chooses to share it). */
  evidence: string;
}

/** Where a learner stands on one area: `confirmed` when every outcome of it is; `outcomes`, those confirmed, in order. */
export interface AreaConfirmation {
  learnerId: number;
  areaId: string;
  confirmed: boolean;
  outcomes: ConfirmedOutcome[];
}

/**
 * Told when an area becomes confirmed for a learner (`confirmed: true`) and when it stops being (the learner changed
 * or withdrew evidence for one of its outcomes). Called inside the transaction that made the change, after it: write
 * through repositories only (enqueue a job for anything slow or outside the database); throwing undoes the change.
 * `at` is that change's time (ISO 8601) and `pack` the pack whose area it is.
 */
export type AreaChangeHook = (change: AreaConfirmation & { at: string; pack: Pack }) => Promise<void>;

/** The confirmed outcomes of an area from a learner's outcome rows. An area with a self-assessed outcome is never confirmed. */
export function confirmationOf(learnerId: number, area: Area, rows: ReadonlyMap<string, OutcomeProgress>) {
  const outcomes: ConfirmedOutcome[] = [];
  for (const o of area.outcomes) {
    const p = rows.get(o.id);
    const r = p?.review;
    if (p?.status !== 'achieved' || r?.decision !== 'confirmed' || !r.decidedAt) continue;
    outcomes.push({
      id: o.id,
      confirmedBy: r.decidedBy ?? '',
      confirmedById: r.decidedById,
      confirmedAt: r.decidedAt,
      comment: r.comment,
      evidence: p.evidence,
    });
  }
  return {
    learnerId,
    areaId: area.id,
    confirmed: area.outcomes.length > 0 && outcomes.length === area.outcomes.length,
    outcomes,
  };
}

export interface AreaWatch {
  /** The learner's confirmation of one area of this pack. */
  read(learnerId: number, pack: Pack, area: Area): Promise<AreaConfirmation>;
  /**
   * Runs `change` (inside the caller's unit of work) to one outcome of a learner, and tells the hook when it turned the
   * outcome's area confirmed or unconfirmed.
   */
  around<T>(
    learnerId: number,
    pack: Pack,
    outcomeId: string,
    at: string,
    change: () => Promise<T>,
  ): Promise<T>;
  /** Adds a listener: each is told of every change, in the order added. */
  listen(hook: AreaChangeHook): void;
}

export function createAreaWatch(progress: ProgressRepo): AreaWatch {
  const hooks: AreaChangeHook[] = [];
  async function read(learnerId: number, _pack: Pack, area: Area): Promise<AreaConfirmation> {
    const rows = await progress.moduleAndOutcomes(
      learnerId,
      area.moduleId,
      area.outcomes.map((o) => o.id),
    );
    return confirmationOf(learnerId, area, new Map(rows.outcomes.map((o) => [o.outcomeId, o])));
  }
  return {
    read,
    async around(learnerId, pack, outcomeId, at, change) {
      const area = pack.areas.find((a) => a.outcomes.some((o) => o.id === outcomeId));
      if (hooks.length === 0 || !area) return change(); // nobody listens: no reads
      const before = await read(learnerId, pack, area);
      const result = await change();
      const after = await read(learnerId, pack, area);
      if (after.confirmed !== before.confirmed) for (const hook of hooks) await hook({ ...after, at, pack });
      return result;
    },
    listen(hook) {
      hooks.push(hook);
    },
  };
}
