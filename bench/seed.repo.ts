import type { Database } from '../src/db/ports';

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

/** A deterministic pseudo-random sequence, so two runs (and both engines) seed the same organisation. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Rows per multi-row INSERT (a statement's parameters stay far below both engines' limits). */
const ROWS_PER_STATEMENT = 1000;
/** Rows per transaction: few commits, none holding the database for long. */
const ROWS_PER_TRANSACTION = 2000;

/**
 * Rows for one table, buffered and written as multi-row `INSERT … VALUES (?, ?), (?, ?) …` statements of at most
 * ROWS_PER_STATEMENT rows; `suffix` follows the VALUES list (ON CONFLICT …, RETURNING …).
 */
class Batch {
  private rows: unknown[][] = [];
  constructor(
    private readonly db: Database,
    private readonly head: string,
    private readonly columns: number,
    private readonly suffix = '',
  ) {}

  get size(): number {
    return this.rows.length;
  }

  add(...row: unknown[]): void {
    if (row.length !== this.columns)
      throw new Error(`${this.head}: ${row.length} values for ${this.columns} columns`);
    this.rows.push(row);
  }

  /** Writes the buffered rows; returns what RETURNING gave, in statement order (empty without RETURNING). */
  async flush<T = never>(): Promise<T[]> {
    const returned: T[] = [];
    const tuple = `(${Array(this.columns).fill('?').join(', ')})`;
    while (this.rows.length) {
      const rows = this.rows.splice(0, ROWS_PER_STATEMENT);
      const sql = `${this.head} VALUES ${Array(rows.length).fill(tuple).join(', ')}${this.suffix ? ` ${this.suffix}` : ''}`;
      if (this.suffix.includes('RETURNING')) returned.push(...(await this.db.all<T>(sql, rows.flat())));
      else await this.db.run(sql, rows.flat());
    }
    return returned;
  }
}

/**
 * Seeds a large organisation through the async database port, with SQL both engines run: multi-row inserts, in
 * transactions of about ROWS_PER_TRANSACTION rows. The same plan gives the same rows on SQLite and PostgreSQL.
 */
export async function seedOrganisation(db: Database, plan: SeedPlan): Promise<SeedCounts> {
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

  // Users, in order: the admin, the trainers, the learners. Ids come back with their e-mail (RETURNING's order is
  // not promised), so the ids need not be consecutive.
  const people: { email: string; name: string; role: string }[] = [
    { email: 'admin@bench.example', name: 'Bench Admin', role: 'admin' },
    ...Array.from({ length: plan.trainers }, (_, i) => ({
      email: `trainer${i + 1}@bench.example`,
      name: `Trainer ${i + 1}`,
      role: 'trainer',
    })),
    ...Array.from({ length: plan.learners }, (_, i) => ({
      email: `learner${i + 1}@bench.example`,
      name: `Learner ${i + 1}`,
      role: 'learner',
    })),
  ];
  const idByEmail = new Map<string, number>();
  const users = new Batch(
    db,
    'INSERT INTO users (email, email_norm, name, role, password_hash, created_at)',
    6,
    'RETURNING id, email_norm',
  );
  for (let i = 0; i < people.length; i += ROWS_PER_TRANSACTION) {
    await db.transaction(async () => {
      for (const p of people.slice(i, i + ROWS_PER_TRANSACTION))
        users.add(p.email, p.email, p.name, p.role, plan.passwordHash, now);
      for (const row of await users.flush<{ id: number; email_norm: string }>())
        idByEmail.set(row.email_norm, Number(row.id));
    });
  }
  counts.users = idByEmail.size;
  const idOf = (email: string) => {
    const id = idByEmail.get(email);
    if (id === undefined) throw new Error(`no id for ${email}`);
    return id;
  };
  const trainers = Array.from({ length: plan.trainers }, (_, i) => idOf(`trainer${i + 1}@bench.example`));
  const learners = Array.from({ length: plan.learners }, (_, i) => idOf(`learner${i + 1}@bench.example`));

  // Cohorts, their trainer, members and assignments.
  const insertCohort = `INSERT INTO cohorts (name, description, created_at) VALUES (?, '', ?) RETURNING id`;
  const cohortTrainers = new Batch(db, 'INSERT INTO cohort_trainers (cohort_id, user_id)', 2);
  const members = new Batch(
    db,
    'INSERT INTO cohort_members (cohort_id, user_id, added_at)',
    3,
    'ON CONFLICT (cohort_id, user_id) DO NOTHING',
  );
  const assignments = new Batch(db, 'INSERT INTO assignments (cohort_id, module_id, due_on, created_at)', 4);
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  let c = 0;
  while (c < plan.cohorts) {
    await db.transaction(async () => {
      let rows = 0;
      while (c < plan.cohorts && rows < ROWS_PER_TRANSACTION) {
        const cohort = await db.get<{ id: number }>(insertCohort, [`Cohort ${c + 1}`, now]);
        const cohortId = Number(cohort!.id);
        cohortTrainers.add(cohortId, trainers[c % trainers.length]);
        const size = c === 0 ? plan.largestCohort : 20 + Math.floor(random() * (plan.largestCohort - 20));
        const start = c === 0 ? 0 : Math.floor(random() * learners.length);
        for (let k = 0; k < size; k++) {
          members.add(cohortId, learners[(start + k) % learners.length], now);
          counts.memberships++;
        }
        for (let a = 0; a < 4; a++) {
          assignments.add(cohortId, plan.moduleIds[(c + a) % plan.moduleIds.length], due, now);
          counts.assignments++;
        }
        rows += 1 + size + 4;
        c++;
      }
      await cohortTrainers.flush();
      await members.flush();
      await assignments.flush();
    });
  }

  // Each learner's outcome progress (with its history and events) and module progress.
  const outcomes = new Batch(
    db,
    'INSERT INTO outcome_progress (user_id, outcome_id, status, evidence, updated_at)',
    5,
  );
  const history = new Batch(
    db,
    'INSERT INTO outcome_history (user_id, outcome_id, status, evidence, changed_at)',
    5,
  );
  const modules = new Batch(
    db,
    'INSERT INTO module_progress (user_id, module_id, status, started_at, completed_at)',
    5,
  );
  const events = new Batch(
    db,
    'INSERT INTO events (at, user_id, verb, object_type, object_id, module_id, result)',
    7,
  );
  const statuses = ['in_progress', 'achieved'] as const;
  const addLearner = (userId: number) => {
    for (const outcomeId of plan.outcomeIds) {
      if (random() < 0.2) continue;
      const status = statuses[random() < 0.5 ? 0 : 1];
      outcomes.add(
        userId,
        outcomeId,
        status,
        status === 'achieved' ? 'Evidence recorded for the benchmark.' : '',
        now,
      );
      history.add(userId, outcomeId, status, '', now);
      events.add(
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
      modules.add(userId, moduleId, done ? 'completed' : 'in_progress', now, done ? now : null);
      events.add(now, userId, 'experienced', 'module', moduleId, moduleId, null);
      if (done) events.add(now, userId, 'completed', 'module', moduleId, moduleId, '{"completion":true}');
      if (done) counts.events++;
      counts.moduleRows++;
      counts.events++;
    }
  };
  let l = 0;
  while (l < learners.length) {
    await db.transaction(async () => {
      while (
        l < learners.length &&
        outcomes.size + history.size + modules.size + events.size < ROWS_PER_TRANSACTION
      )
        addLearner(learners[l++]);
      await outcomes.flush();
      await history.flush();
      await modules.flush();
      await events.flush();
    });
  }

  // Fresh statistics for the planner, as a production database would have.
  await db.exec(db.engine === 'sqlite' ? 'PRAGMA optimize' : 'ANALYZE');
  return counts;
}
