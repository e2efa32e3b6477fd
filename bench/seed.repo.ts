import type { Db } from '../src/db/sqlite/open';

export interface SeedPlan {
  learners: number;
  trainers: number;
  cohorts: number;
  /** the first cohort always has this many members: the matrix scenario opens it */
  largestCohort: number;
  outcomeIds: readonly string[];
  moduleIds: readonly string[];
  passwordHash: string;
}

export interface SeedCounts {
  users: number;
  memberships: number;
  outcomeRows: number;
  historyRows: number;
  moduleRows: number;
  events: number;
  assignments: number;
}

/** A deterministic pseudo-random sequence, so two runs seed the same organisation. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Seeds a large organisation in one transaction with prepared statements. */
export function seedOrganisation(db: Db, plan: SeedPlan): SeedCounts {
  const random = rng(42);
  const now = new Date().toISOString();
  const counts: SeedCounts = {
    users: 0,
    memberships: 0,
    outcomeRows: 0,
    historyRows: 0,
    moduleRows: 0,
    events: 0,
    assignments: 0,
  };
  const insertUser = db.prepare(
    `INSERT INTO users (email, email_norm, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertCohort = db.prepare(`INSERT INTO cohorts (name, description, created_at) VALUES (?, '', ?)`);
  const insertTrainer = db.prepare(`INSERT INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?)`);
  const insertMember = db.prepare(
    `INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)`,
  );
  const insertAssignment = db.prepare(
    `INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)`,
  );
  const insertOutcome = db.prepare(
    `INSERT INTO outcome_progress (user_id, outcome_id, status, evidence, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insertHistory = db.prepare(
    `INSERT INTO outcome_history (user_id, outcome_id, status, evidence, changed_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insertModule = db.prepare(
    `INSERT INTO module_progress (user_id, module_id, status, started_at, completed_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO events (at, user_id, verb, object_type, object_id, module_id, result) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  db.transaction(() => {
    const add = (email: string, name: string, role: string): number => {
      counts.users++;
      return Number(insertUser.run(email, email, name, role, plan.passwordHash, now).lastInsertRowid);
    };
    add('admin@bench.example', 'Bench Admin', 'admin');
    const trainers = Array.from({ length: plan.trainers }, (_, i) =>
      add(`trainer${i + 1}@bench.example`, `Trainer ${i + 1}`, 'trainer'),
    );
    const learners = Array.from({ length: plan.learners }, (_, i) =>
      add(`learner${i + 1}@bench.example`, `Learner ${i + 1}`, 'learner'),
    );

    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    for (let c = 0; c < plan.cohorts; c++) {
      const cohortId = Number(insertCohort.run(`Cohort ${c + 1}`, now).lastInsertRowid);
      insertTrainer.run(cohortId, trainers[c % trainers.length]);
      const size = c === 0 ? plan.largestCohort : 20 + Math.floor(random() * (plan.largestCohort - 20));
      const start = c === 0 ? 0 : Math.floor(random() * learners.length);
      for (let k = 0; k < size; k++) {
        insertMember.run(cohortId, learners[(start + k) % learners.length], now);
        counts.memberships++;
      }
      for (let a = 0; a < 4; a++) {
        insertAssignment.run(cohortId, plan.moduleIds[(c + a) % plan.moduleIds.length], due, now);
        counts.assignments++;
      }
    }

    const statuses = ['in_progress', 'achieved'] as const;
    for (const userId of learners) {
      for (const outcomeId of plan.outcomeIds) {
        if (random() < 0.2) continue;
        const status = statuses[random() < 0.5 ? 0 : 1];
        insertOutcome.run(
          userId,
          outcomeId,
          status,
          status === 'achieved' ? 'Evidence recorded for the benchmark.' : '',
          now,
        );
        insertHistory.run(userId, outcomeId, status, '', now);
        insertEvent.run(
          now,
          userId,
          'progressed',
          'outcome',
          outcomeId,
          null,
          JSON.stringify({ status, completion: status === 'achieved' }),
        );
        counts.outcomeRows++;
        counts.historyRows++;
        counts.events++;
      }
      for (const moduleId of plan.moduleIds) {
        if (random() < 0.5) continue;
        const done = random() < 0.6;
        insertModule.run(userId, moduleId, done ? 'completed' : 'in_progress', now, done ? now : null);
        insertEvent.run(now, userId, 'experienced', 'module', moduleId, moduleId, null);
        if (done)
          insertEvent.run(now, userId, 'completed', 'module', moduleId, moduleId, '{"completion":true}');
        if (done) counts.events++;
        counts.moduleRows++;
        counts.events++;
      }
    }
  })();
  db.pragma('optimize');
  return counts;
}
