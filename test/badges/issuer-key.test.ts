import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import { independentlyVerify } from '../helpers/ob-verifier';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('the issuer key', () => {
  it('is made once when several ask for it at once, and never published with its secret', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => request(t.app).get('/badges/issuer').expect(200)),
    );
    const keys = new Set(answers.map((a) => (a.body as Json).verificationMethod[0].publicKeyMultibase));
    expect(keys.size).toBe(1);
    expect(await t.db.all('SELECT id FROM badge_keys')).toHaveLength(1);
    for (const a of answers) expect(a.text).not.toMatch(/secret/i);
  });

  it('rotates: a new key signs, the old one stays published so what it signed still verifies (audited)', async () => {
    const before = (await request(t.app).get('/badges/status/1').expect(200)).body as Json;
    const oldKey = before.proof[0].verificationMethod as string;
    const newKey = await t.services.badges.rotateKey();
    expect(newKey).not.toBe(oldKey);
    const profile = (await request(t.app).get('/badges/issuer').expect(200)).body as Json;
    expect(profile.assertionMethod).toEqual([newKey, oldKey]);
    const after = (await request(t.app).get('/badges/status/1').expect(200)).body as Json;
    expect(after.proof[0].verificationMethod).toBe(newKey);
    // the status list signed by the old key still checks against the old public key, independently
    const oldPublic = ((await request(t.app).get(new URL(oldKey).pathname).expect(200)).body as Json)
      .publicKeyMultibase as string;
    expect((await independentlyVerify([before], oldPublic))[0].verified).toBe(true);
    const audit = await t.db.all<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'badge.rotate_key'",
    );
    expect(audit).toHaveLength(1);
  });
});
