import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import Ajv2019 from 'ajv/dist/2019';
import type { Actor } from '../../src/shared/actor';
import { makeTestApp, type TestApp } from '../helpers/app';
import { independentlyVerify } from '../helpers/ob-verifier';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCHEMA = path.join(
  __dirname,
  '..',
  'fixtures',
  'standards',
  'openbadges-3.0',
  'achievementcredential.schema.json',
);
// the official schema names `format`s (uri, date-time) that ajv checks only with ajv-formats, which the project does
// not carry: structure, types, required fields and arrays are what is checked here
const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(
  JSON.parse(fs.readFileSync(SCHEMA, 'utf8')) as object,
);

let t: TestApp;
let adminToken: string;
let trainer: Actor;
let learner: { id: number; email: string; token: string };
let other: { id: number; email: string; token: string };

async function person(role: 'learner' | 'admin') {
  const u = await t.user(role);
  return { ...u, token: await t.token(u.email) };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function setOutcome(token: string, outcomeId: string, evidence = `What I did for ${outcomeId}`) {
  await request(t.app)
    .put(`/api/v1/me/outcomes/${outcomeId}`)
    .set(bearer(token))
    .send({ status: 'achieved', evidence })
    .expect(200);
}

/** The learner claims the outcome achieved and their trainer confirms the evidence (the evidence review). */
async function confirmed(learnerId: number, token: string, outcomeId: string) {
  await setOutcome(token, outcomeId);
  const [latest] = await t.services.reviews.history(learnerId, outcomeId);
  await t.services.reviews.decide(latest.id, { decision: 'confirm', comment: 'Well evidenced' }, trainer);
}

/** Runs the badge jobs the review's decisions queued; answers how many ran. */
const runIssueJobs = () => t.services.jobs.runDue(['badge.issue']);

async function issue(userId: number): Promise<Json[]> {
  const res = await request(t.app)
    .post('/api/v1/badges/issue')
    .set(bearer(adminToken))
    .send({ userId })
    .expect(200);
  return (res.body as { issued: Json[] }).issued;
}

/** "Issue now" for everyone: queued in the background, one job per learner; answers how many were queued. */
async function issueForEveryone(): Promise<number> {
  const res = await request(t.app).post('/api/v1/badges/issue').set(bearer(adminToken)).send({}).expect(202);
  return (res.body as { queued: number }).queued;
}

async function myBadges(token: string): Promise<{ badges: Json[]; credential: Json[] }> {
  return (await request(t.app).get('/api/v1/me/badges').set(bearer(token)).expect(200)).body;
}

async function issuerKey(): Promise<string> {
  const profile = (await request(t.app).get('/badges/issuer').expect(200)).body as Json;
  return profile.verificationMethod[0].publicKeyMultibase;
}

/** What the check page says of a pasted text, as a visitor signed out (with the form's token). */
async function checkPasted(text: string): Promise<string> {
  const agent = request.agent(t.app);
  const page = await agent.get('/badges/check').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const res = await agent
    .post('/badges/check')
    .type('form')
    .send({ _csrf: csrf, credential: text })
    .expect(200);
  return res.text;
}

beforeAll(async () => {
  t = await makeTestApp({ env: { ORGANISATION_NAME: 'Example Council' } });
  adminToken = (await person('admin')).token;
  learner = await person('learner');
  other = await person('learner');
  const tr = await t.user('trainer', 'rita@example.org', 'Rita Reviewer');
  trainer = { id: tr.id, email: tr.email, name: 'Rita Reviewer', role: 'trainer' };
  const trainerToken = await t.token(tr.email);
  const cohort = await request(t.app)
    .post('/api/v1/cohorts')
    .set(bearer(trainerToken))
    .send({ name: 'Badged' });
  await request(t.app)
    .post(`/api/v1/cohorts/${cohort.body.id}/members`)
    .set(bearer(trainerToken))
    .send({ emails: [learner.email, other.email] })
    .expect(201);
});
afterAll(() => t.close());

describe('Open Badges 3.0 credentials per learning area', () => {
  let credential: Json;
  let badgeId: string;

  it('issues nothing until a trainer confirmed every outcome of the area, then one badge (by its job)', async () => {
    await confirmed(learner.id, learner.token, 'LI1');
    await confirmed(learner.id, learner.token, 'LI2');
    await setOutcome(learner.token, 'LI3'); // claimed, awaiting review
    expect(await issue(learner.id)).toEqual([]);
    expect(await runIssueJobs()).toBe(0);
    const [latest] = await t.services.reviews.history(learner.id, 'LI3');
    await t.services.reviews.decide(latest.id, { decision: 'confirm', comment: '' }, trainer);
    expect(await runIssueJobs()).toBe(1);
    const mine = await myBadges(learner.token);
    expect(mine.badges.map((b) => b.areaId)).toEqual(['listening']);
    badgeId = mine.badges[0].id;
    credential = mine.badges[0].credential;
    // the learner is told, once
    const told = await t.db.all<{ subject: string; body_text: string }>(
      "SELECT subject, body_text FROM messages WHERE kind = 'badge' AND user_id = ?",
      [learner.id],
    );
    expect(told).toHaveLength(1);
    expect(told[0].subject).toBe('You have a badge: Listening and customer insight');
    expect(told[0].body_text).toContain(`/badges/${badgeId}`);
    // an administrator's "issue now" (for one learner, or everyone in the background) issues nothing more: the same
    // confirmation has its badge
    expect(await issue(learner.id)).toEqual([]);
    expect(await issueForEveryone()).toBe(2);
    expect(await runIssueJobs()).toBe(2);
    expect((await myBadges(learner.token)).badges).toHaveLength(1);
    expect(await t.db.all("SELECT id FROM messages WHERE kind = 'badge'")).toHaveLength(1);
  });

  it('is an AchievementCredential the official JSON Schema accepts, with arrays, a hashed identity and a status entry', () => {
    validate(credential);
    expect(validate.errors ?? []).toEqual([]);
    expect(credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(credential.type).toEqual(['VerifiableCredential', 'AchievementCredential']);
    expect(Array.isArray(credential.proof) && credential.proof.length).toBe(1);
    expect(credential.proof[0]).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });
    expect(credential.issuer).toMatchObject({ type: ['Profile'], name: 'Example Council' });
    expect(credential.issuer.id).toBe(`${t.config.publicUrl}/badges/issuer`);
    const subject = credential.credentialSubject;
    expect(subject.identifier[0]).toMatchObject({
      type: 'IdentityObject',
      hashed: true,
      identityType: 'emailAddress',
    });
    expect(JSON.stringify(credential)).not.toContain(learner.email);
    expect(JSON.stringify(credential)).not.toContain('What I did for'); // the learner's own evidence stays private
    expect(subject.achievement).toMatchObject({
      type: ['Achievement'],
      achievementType: 'Competency',
      name: 'Listening and customer insight',
    });
    expect(subject.achievement.criteria.narrative).toContain('LI3');
    expect(subject.achievement.image.id).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(credential.evidence).toHaveLength(3);
    expect(credential.evidence[0].narrative).toContain('confirmed by Rita Reviewer');
    expect(credential.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: `${t.config.publicUrl}/badges/status/1`,
    });
  });

  it('verifies with an independent verifier (pyld + PyNaCl), which refuses it after any change', async () => {
    const changed = (change: (c: Json) => void) => {
      const copy = structuredClone(credential);
      change(copy);
      return copy;
    };
    const proofValue: string = credential.proof[0].proofValue;
    const documents = [
      credential,
      changed((c) => (c.credentialSubject.achievement.name = 'Listening well')),
      changed((c) => (c.validFrom = '2020-01-01T00:00:00Z')),
      changed((c) => (c.credentialSubject.identifier[0].identityHash = `sha256$${'0'.repeat(64)}`)),
      changed(
        (c) =>
          (c.proof[0].proofValue = `${proofValue.slice(0, -2)}${proofValue.endsWith('a') ? 'bb' : 'aa'}`),
      ),
      changed((c) => (c.proof[0].created = '2020-01-01T00:00:00Z')),
    ];
    const results = await independentlyVerify(documents, await issuerKey());
    expect(results.map((r) => r.verified)).toEqual([true, false, false, false, false, false]);
  });

  it('serves a signed status list of 131,072 entries that verifies independently', async () => {
    const list = (await request(t.app).get('/badges/status/1').expect(200)).body as Json;
    expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    const encoded: string = list.credentialSubject.encodedList;
    expect(encoded.startsWith('u')).toBe(true);
    expect(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')).length * 8).toBe(131_072);
    const [result] = await independentlyVerify([list], await issuerKey());
    expect(result).toEqual({ verified: true, reason: 'ok' });
  });

  it('shows a learner only their own badges', async () => {
    const mine = await myBadges(learner.token);
    expect(mine.badges.map((b) => b.id)).toEqual([badgeId]);
    expect(mine.credential).toEqual([credential]);
    expect((await myBadges(other.token)).badges).toEqual([]);
    const { agent } = await t.signIn(other.email);
    await agent.get(`/account/badges/${badgeId}.json`).expect(404);
    await agent.get(`/account/badges/${badgeId}.svg`).expect(404);
    const own = await t.signIn(learner.email);
    const page = await own.agent.get('/account/badges').expect(200);
    expect(page.text).toContain(`/badges/${badgeId}`);
    expect(page.text).toContain(
      'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=Listening',
    );
    const json = await own.agent.get(`/account/badges/${badgeId}.json`).expect(200);
    expect(JSON.parse(json.text)).toEqual(credential);
  });

  it('bakes the credential into the SVG image, and the check page reads it back', async () => {
    const { agent } = await t.signIn(learner.email);
    const svg = (
      await agent
        .get(`/account/badges/${badgeId}.svg`)
        .buffer(true)
        .parse((res, cb) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => cb(null, text));
        })
        .expect('Content-Type', /image\/svg\+xml/)
        .expect(200)
    ).body as string;
    expect(svg).toMatch(/^<svg xmlns:openbadges="https:\/\/purl.imsglobal.org\/ob\/v3p0"/);
    const baked = /<openbadges:credential><!\[CDATA\[([\s\S]*)\]\]><\/openbadges:credential>/.exec(svg)![1];
    expect(JSON.parse(baked)).toEqual(credential);
    expect(await checkPasted(svg)).toContain('This badge verifies');
  });

  it('says plainly why a credential does not verify: tampered, other issuer, broken proof, not JSON, not a badge', async () => {
    const text = (c: Json) => JSON.stringify(c);
    expect(await checkPasted(text(credential))).toContain('This badge verifies');
    const tampered = structuredClone(credential);
    tampered.credentialSubject.achievement.name = 'Listening (with distinction)';
    expect(await checkPasted(text(tampered))).toContain('changed since it was issued');
    const foreign = structuredClone(credential);
    foreign.issuer.id = 'https://badges.example.com/issuer';
    expect(await checkPasted(text(foreign))).toContain('was not issued by Example Council');
    const broken = structuredClone(credential);
    broken.proof[0].proofValue = 'not-a-signature';
    expect(await checkPasted(text(broken))).toContain('signature is missing or damaged');
    const unsigned = structuredClone(credential);
    delete unsigned.proof;
    expect(await checkPasted(text(unsigned))).toContain('signature is missing or damaged');
    expect(await checkPasted('{"name": "a badge",')).toContain('it is not JSON');
    expect(await checkPasted('{"name": "a badge"}')).toContain('not an Open Badges credential');
    expect(await checkPasted('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).toContain(
      'not an image with a badge baked in',
    );
  });

  it('shows the badge publicly with what it means, who issued it and that it verifies', async () => {
    const page = await request(t.app).get(`/badges/${badgeId}`).expect(200);
    expect(page.text).toContain('Verified');
    expect(page.text).toContain('Example Council');
    expect(page.text).toContain('Tell customers what changed because of what they said');
    await request(t.app).get('/badges/not-a-badge').expect(404);
    await request(t.app).get('/badges/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('lets only an admin revoke, with a reason; then every check fails with "revoked"', async () => {
    await request(t.app)
      .post(`/api/v1/badges/${badgeId}/revoke`)
      .set(bearer(learner.token))
      .send({ reason: 'mine' })
      .expect(403);
    await request(t.app)
      .post(`/api/v1/badges/${badgeId}/revoke`)
      .set(bearer(adminToken))
      .send({ reason: ' ' })
      .expect(422);
    const revoked = await request(t.app)
      .post(`/api/v1/badges/${badgeId}/revoke`)
      .set(bearer(adminToken))
      .send({ reason: 'Evidence was copied' })
      .expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    await request(t.app)
      .post(`/api/v1/badges/${badgeId}/revoke`)
      .set(bearer(adminToken))
      .send({ reason: 'again' })
      .expect(409);
    const audit = await t.db.all<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE action LIKE 'badge.%' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(['badge.issue', 'badge.issue_all', 'badge.revoke']);
    expect(audit[2].detail).toContain('Evidence was copied');
    expect(await checkPasted(JSON.stringify(credential))).toContain('has revoked this badge');
    const page = await request(t.app).get(`/badges/${badgeId}`).expect(200);
    expect(page.text).toContain('Revoked');
    const verify = await request(t.app).post('/api/v1/badges/verify').send(credential).expect(200);
    expect(verify.body).toMatchObject({ verified: false, problem: 'revoked' });
    // the status list has the badge's bit set, and still verifies independently
    const list = (await request(t.app).get('/badges/status/1').expect(200)).body as Json;
    const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    const index = Number(credential.credentialStatus.statusListIndex);
    expect(bits[index >> 3] & (0x80 >> (index & 7))).not.toBe(0);
    expect((await independentlyVerify([list], await issuerKey()))[0].verified).toBe(true);
  });

  it('issues a new badge when the area is confirmed again after a change, leaving the first as issued', async () => {
    const before = await t.db.get<{ credential: string }>('SELECT credential FROM badges WHERE id = ?', [
      badgeId,
    ]);
    // evidence changed after confirmation goes back to review: no new badge until a trainer confirms it again
    await setOutcome(learner.token, 'LI2', 'What I did for LI2, and what came of it');
    expect(await issue(learner.id)).toEqual([]);
    expect(await runIssueJobs()).toBe(0);
    const [latest] = await t.services.reviews.history(learner.id, 'LI2');
    await t.services.reviews.decide(latest.id, { decision: 'confirm', comment: '' }, trainer);
    expect(await runIssueJobs()).toBe(1);
    const issued = (await myBadges(learner.token)).badges.filter((b) => b.id !== badgeId);
    expect(issued).toHaveLength(1);
    expect(issued[0].id).not.toBe(badgeId);
    expect(issued[0].credential.credentialStatus.statusListIndex).not.toBe(
      credential.credentialStatus.statusListIndex,
    );
    const after = await t.db.get<{ credential: string }>('SELECT credential FROM badges WHERE id = ?', [
      badgeId,
    ]);
    expect(after).toEqual(before);
    const verify = await request(t.app).post('/api/v1/badges/verify').send(issued[0].credential).expect(200);
    expect(verify.body).toMatchObject({ verified: true, problem: null });
  });

  it('lets an administrator revoke from the badge’s page with the form, and the page then says so', async () => {
    const [newest] = (await myBadges(learner.token)).badges.filter((b) => !b.revokedAt);
    const admin = await t.signIn(
      (await t.db.get<{ email: string }>("SELECT email FROM users WHERE role = 'admin'"))!.email,
    );
    const before = await admin.agent.get(`/badges/${newest.id}`).expect(200);
    expect(before.text).toContain('Revoke this badge');
    // a learner never sees the form, and a forged post is refused
    const own = await t.signIn(learner.email);
    expect((await own.agent.get(`/badges/${newest.id}`).expect(200)).text).not.toContain('Revoke this badge');
    await own.agent
      .post(`/badges/${newest.id}/revoke`)
      .type('form')
      .send({ _csrf: own.csrf, reason: 'x' })
      .expect(403);
    await admin.agent
      .post(`/badges/${newest.id}/revoke`)
      .type('form')
      .send({ _csrf: admin.csrf, reason: 'Issued to the wrong person' })
      .expect(303)
      .expect('Location', `/badges/${newest.id}`);
    const after = await request(t.app).get(`/badges/${newest.id}`).expect(200);
    expect(after.text).toContain('has revoked this badge');
    expect(after.text).not.toContain('Issued to the wrong person'); // the reason is for the audit log
  });

  it('shows the learner’s email address only on badges issued after they choose it', async () => {
    const { agent, csrf } = await t.signIn(other.email);
    await agent
      .post('/account/badges/settings')
      .type('form')
      .send({ _csrf: csrf, showEmail: 'yes' })
      .expect(303);
    for (const id of ['ME1', 'ME2', 'ME3']) await confirmed(other.id, other.token, id);
    await runIssueJobs();
    const [badge] = (await myBadges(other.token)).badges;
    expect(badge.credential.credentialSubject.identifier[0]).toEqual({
      type: 'IdentityObject',
      identityHash: other.email,
      identityType: 'emailAddress',
      hashed: false,
    });
    expect(validate(badge.credential)).toBe(true);
  });
});

describe('every credential issued in this file', () => {
  it('validates against the official JSON Schema and verifies independently', async () => {
    const rows = await t.db.all<{ credential: string }>('SELECT credential FROM badges ORDER BY issued_at');
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const credentials = rows.map((r) => JSON.parse(r.credential) as Json);
    for (const c of credentials) {
      validate(c);
      expect(validate.errors ?? []).toEqual([]);
    }
    const results = await independentlyVerify(credentials, await issuerKey());
    expect(results.map((r) => r.reason)).toEqual(credentials.map(() => 'ok'));
  });
});

describe('the issuer and what verification may load', () => {
  it('publishes the issuer Profile with its key, and makes the key once however many ask at once', async () => {
    const profiles = await Promise.all([1, 2, 3].map(() => request(t.app).get('/badges/issuer').expect(200)));
    const keys = profiles.map((p) =>
      (p.body as Json).verificationMethod.map((k: Json) => k.publicKeyMultibase),
    );
    expect(new Set(keys.flat()).size).toBe(1);
    const profile = profiles[0].body as Json;
    expect(profile).toMatchObject({
      id: `${t.config.publicUrl}/badges/issuer`,
      type: ['Profile'],
      name: 'Example Council',
    });
    expect(profile.verificationMethod[0].publicKeyMultibase).toMatch(/^z6Mk/);
    expect(JSON.stringify(profile)).not.toMatch(/secretKey/);
    const key = await request(t.app).get(new URL(profile.assertionMethod[0]).pathname).expect(200);
    expect(key.body).toMatchObject({ type: 'Multikey', controller: profile.id });
    expect(await t.db.all('SELECT id FROM badge_keys')).toHaveLength(1);
    await request(t.app).get('/badges/issuer/keys/999').expect(404);
    await request(t.app).get('/badges/status/2').expect(404);
  });

  it('never fetches a context it does not hold: a credential naming another one fails, nothing is loaded', async () => {
    const [badge] = (await myBadges(learner.token)).badges;
    const extra = structuredClone(badge.credential);
    extra['@context'] = [...extra['@context'], 'https://example.com/evil-context.json'];
    const res = await request(t.app).post('/api/v1/badges/verify').send(extra).expect(200);
    expect(res.body).toMatchObject({ verified: false, problem: 'tampered' });
  });

  it('checks an uploaded .json file as it checks pasted text', async () => {
    const [badge] = (await myBadges(learner.token)).badges;
    const agent = request.agent(t.app);
    const page = await agent.get('/badges/check').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent
      .post('/badges/check')
      .field('_csrf', csrf)
      .attach('file', Buffer.from(JSON.stringify(badge.credential)), 'badge.json')
      .expect(200);
    expect(res.text).toContain(badge.revokedAt ? 'has revoked this badge' : 'This badge verifies');
  });

  it('lists the badges on the printable learning record', async () => {
    const { agent } = await t.signIn(learner.email);
    const page = await agent.get('/account/record').expect(200);
    expect(page.text).toContain('id="badges"');
    expect(page.text).toContain('Listening and customer insight');
    expect(page.text).toContain(`${t.config.publicUrl}/badges/`);
  });

  it('lets an administrator issue from the Badges page', async () => {
    const { agent, csrf } = await t.signIn(
      (await t.db.get<{ email: string }>("SELECT email FROM users WHERE role = 'admin'"))!.email,
    );
    await agent.get('/admin/badges').expect(200);
    const before = (await t.db.all('SELECT id FROM badges')).length;
    const done = await agent.post('/admin/badges/issue').type('form').send({ _csrf: csrf }).expect(200);
    expect(done.text).toMatch(/id="queued-count">Issuing badges for 2 learners/);
    expect(await runIssueJobs()).toBe(2);
    expect(await t.db.all('SELECT id FROM badges')).toHaveLength(before); // every confirmation already has its badge
    const audit = await t.db.all("SELECT id FROM audit_log WHERE action = 'badge.issue_all'");
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });
});
