import { z } from 'zod';

import { ROLES } from '../shared/actor';

export { ROLES, type Role } from '../shared/actor';

/** A short list of passwords seen most often in breaches, in lengths that pass the 12-character rule. */
const COMMON_PASSWORDS = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  '1234567890123',
  'qwertyuiop12',
  'qwertyuiop123',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'welcome12345',
  'welcome123456',
  'letmein12345',
  'changeme1234',
  'passw0rd1234',
  'p@ssw0rd1234',
  'qwerty123456',
  'abc123456789',
  'football1234',
  'monkey123456',
  'sunshine1234',
  'princess1234',
  '111111111111',
  '000000000000',
  'aaaaaaaaaaaa',
  'trustno11234',
  'dragon123456',
  'baseball1234',
  'superman1234',
  'qazwsxedcrfv',
  '1q2w3e4r5t6y',
  'zaq12wsxcde3',
  'passwordpassword',
  'correcthorsebatterystaple',
  'mypassword123',
  'summer2024!!',
  'winter2024!!',
  'spring2025!!',
  'autumn2025!!',
  'london123456',
  'england12345',
]);

export const passwordSchema = z
  .string()
  .min(12, 'Password must be at least 12 characters')
  .max(200, 'Password must be 200 characters or fewer')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'Password is too common: choose another')
  .refine((p) => new Set(p).size >= 4, 'Password is too simple: use more different characters');

export const emailSchema = z
  .string()
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .email('Enter an email address in the correct format, like name@example.org');

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'Name must be 120 characters or fewer');
export const roleSchema = z.enum(ROLES, { message: 'Choose a role: learner, trainer or admin' });

export const createUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: passwordSchema.optional(),
  /** Send the person an invitation by email (a link to set a password, or to sign in with single sign-on). */
  invite: z.boolean().optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const importRowSchema = z.object({ email: emailSchema, name: nameSchema, role: roleSchema });

const pageNumber = z.coerce
  .number('Page must be a whole number from 1')
  .int('Page must be a whole number from 1')
  .min(1, 'Page must be a whole number from 1')
  .max(100000, 'Page must be 100,000 or less');

/** `GET /users?q=&role=&page=` (pages and API). */
export const userListQuery = z.object({
  q: z
    .string('Search for one name or email address')
    .trim()
    .max(100, 'Search text must be 100 characters or fewer')
    .optional()
    .default(''),
  role: z
    .union([roleSchema, z.literal('')], 'Role must be learner, trainer or admin')
    .optional()
    .default(''),
  page: pageNumber.optional().default(1),
});
export type UserListQuery = z.infer<typeof userListQuery>;

/** A new account from the admin's page form: the person sets their own password through a link. */
export const createUserFormSchema = createUserSchema.omit({ password: true, invite: true }).extend({
  invite: z
    .enum(['yes'])
    .optional()
    .transform((v) => v === 'yes'),
});

export const changeRoleSchema = z.object({ role: roleSchema });
export const setDisabledSchema = z.object({
  disabled: z.enum(['true', 'false']).transform((v) => v === 'true'),
});

/** An account as the API answers it and the pages show it (never the password hash). */
export const userSchema = z
  .object({
    id: z.number().int(),
    email: z.email(),
    name: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    createdAt: z.iso.datetime(),
    lastActiveAt: z.iso.datetime().nullable(),
    hasPassword: z.boolean(),
  })
  .meta({ id: 'User' });
export type UserJson = z.infer<typeof userSchema>;

/** `GET /api/v1/users`: one page of accounts (50 a page) and how many match in all. */
export const userListSchema = z
  .object({
    users: z.array(userSchema.pick({ id: true, email: true, name: true, role: true, disabled: true })),
    total: z.number().int(),
  })
  .meta({ id: 'UserList' });

/** `POST /api/v1/users`: the new account, with a one-time password link when no password was given. */
export const createdUserSchema = userSchema
  .extend({
    passwordLink: z.url().optional(),
    passwordLinkExpiresAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'CreatedUser' });

/** `POST /api/v1/users/import`: how many were created, and who. */
export const importedUsersSchema = z
  .object({ created: z.number().int(), users: z.array(userSchema) })
  .meta({ id: 'ImportedUsers' });

/** `POST /api/v1/users/password-links`: a fresh one-time link for each account without a password (not disabled). */
export const passwordLinksSchema = z.object({
  links: z.array(
    z.object({
      id: z.number().int(),
      email: z.string(),
      name: z.string(),
      url: z.url(),
      expiresAt: z.iso.datetime(),
    }),
  ),
});
