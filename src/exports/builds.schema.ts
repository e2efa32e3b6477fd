import { z } from 'zod';
import { NotFound } from '../shared/errors';
import type { VersionRef } from './builds.service';

/** `:versionId` in an export's address: `builtin`, or a published variant version's id. */
export const versionParamsSchema = z.object({
  versionId: z
    .string()
    .regex(/^(builtin|[1-9][0-9]{0,9})$/)
    .describe(
      '`builtin` for the built-in pack, or a published variant version’s id (`versionId` of `GET /pack`)',
    ),
});

/** The version an address names; anything else is no page at all (404). */
export function versionRefOf(params: unknown): VersionRef {
  const parsed = versionParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFound('There is no version of the pack with that id');
  const { versionId } = parsed.data;
  return versionId === 'builtin' ? 'builtin' : Number(versionId);
}

/** `GET /api/v1/packs/{versionId}/trainer-pack`: where the trainer's pack of a version stands. */
export const exportStatusSchema = z
  .object({
    status: z
      .enum(['building', 'ready', 'failed'])
      .describe(
        '`building` (asking started it, if needed), `ready` to download, or `failed` (`POST` to try again)',
      ),
    done: z.number().int().describe('Files made so far'),
    total: z.number().int().describe('Files in the export (0 until the build has counted them)'),
    bytes: z.number().int().optional().describe('The zip’s size, once ready'),
    builtAt: z.iso.datetime().optional().describe('When it was made, once ready'),
    error: z.string().optional().describe('Why it failed'),
    versionId: z.union([z.number().int().positive(), z.literal('builtin')]),
    label: z.string().describe('The pack, variant and version it is made from'),
    fileName: z.string(),
    download: z.string().describe('Where to download it once ready (a path under /api/v1)'),
  })
  .meta({ id: 'ExportStatus' });
export type ExportStatusJson = z.infer<typeof exportStatusSchema>;
