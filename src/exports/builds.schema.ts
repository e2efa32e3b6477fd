import { z } from 'zod';
import { NotFound } from '../shared/errors';
import type { VersionRef } from './builds.service';
import { EXPORT_KINDS, PACKAGE_KINDS, type PackageKind } from './export-kinds';

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

/** `:versionId` and `:format` of a package's address. */
export const packageParamsSchema = versionParamsSchema.extend({
  format: z
    .enum(PACKAGE_KINDS)
    .describe('`scorm12` (SCORM 1.2), `scorm2004` (SCORM 2004 4th edition) or `cmi5`'),
});

/** The format an address names; any other is no page at all (404), as an unknown version is. */
export function packageKindOf(params: unknown): PackageKind {
  const parsed = packageParamsSchema.shape.format.safeParse((params as { format?: unknown }).format);
  if (!parsed.success) throw new NotFound('There is no package in that format: scorm12, scorm2004 or cmi5');
  return parsed.data;
}

const partId = (what: string) =>
  z.string().min(1).max(200).optional().describe(`Only this ${what} of the pack (its id in \`GET /pack\`)`);

/** `?section=` or `?module=` on a package's address: one part of the pack, not both. */
export const packageQuerySchema = z
  .object({ section: partId('section'), module: partId('module') })
  .refine((q) => !(q.section && q.module), {
    message: 'Give a section or a module, not both',
    path: ['module'],
  });

/** `GET /api/v1/packs/{versionId}/trainer-pack`: where the trainer's pack (or a package) of a version stands. */
export const exportStatusSchema = z
  .object({
    kind: z
      .enum(EXPORT_KINDS)
      .describe('`trainer-pack`, or the package format: `scorm12`, `scorm2004` or `cmi5`'),
    part: z
      .object({ scope: z.enum(['section', 'module']), id: z.string(), title: z.string() })
      .nullable()
      .describe('The one section or module a package holds; null for the whole pack'),
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
