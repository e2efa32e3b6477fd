import { safeLocalPath } from '../web/safe-redirect';
import { z } from 'zod';
import { emailSchema, nameSchema, passwordSchema } from '../users/users.schema';

export const signInSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address').max(254, 'Enter your email address'),
  password: z.string().min(1, 'Enter your password').max(200, 'Enter your password'),
});

export const setupSchema = z
  .object({
    code: z
      .string('Enter the set-up code')
      .trim()
      .min(1, 'Enter the set-up code printed in the server log when Packway started')
      .max(100),
    email: emailSchema,
    name: nameSchema,
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((d) => d.password === d.confirm, { path: ['confirm'], message: 'The passwords do not match' });

export const setPasswordSchema = z
  .object({ password: passwordSchema, confirm: z.string() })
  .refine((d) => d.password === d.confirm, { path: ['confirm'], message: 'The passwords do not match' });

export const changePasswordSchema = z
  .object({
    current: z.string().min(1, 'Enter your current password'),
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((d) => d.password === d.confirm, { path: ['confirm'], message: 'The passwords do not match' });

/** Only same-site paths may be a redirect target after sign-in. */
export function safeNext(next: unknown): string {
  const path = safeLocalPath(next);
  return path.startsWith('/login') ? '/' : path;
}

/** `POST /api/v1/auth/token`: a bearer token and when it stops working. */
export const tokenResponseSchema = z
  .object({
    token: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Token' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
