import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { ApiRouter, strId } from '../web/api-route';
import { requireUser } from '../web/guards';
import { packForRequest } from '../web/pack-choice';
import type { OfficeFile } from './documents.service';
import { packQuerySchema } from '../modules/modules.schema';

// Word downloads of the pack a person sees (their cohort's variant, or `?cohort=`'s): one module, a whole section,
// a learning area. Mounted before the module pages, whose `/modules/:id` would otherwise take `x.docx` as an id.

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

type Kind = 'module' | 'section' | 'area';

/** Which document a path names, and how the service writes it. */
const DOWNLOADS: readonly { kind: Kind; path: string; noun: string; operationId: string; summary: string }[] =
  [
    {
      kind: 'module',
      path: '/modules/:id.docx',
      noun: 'The module id',
      operationId: 'getModuleDocx',
      summary: 'One module of the pack you see, as a Word document',
    },
    {
      kind: 'section',
      path: '/sections/:id.docx',
      noun: 'The section id (from `GET /pack`)',
      operationId: 'getSectionDocx',
      summary: 'A whole section of the pack you see, its modules in order, as one Word document',
    },
    {
      kind: 'area',
      path: '/areas/:id.docx',
      noun: 'The learning area id (from `GET /pack`)',
      operationId: 'getAreaDocx',
      summary:
        'A learning area as one Word document: its module, then the activities and case studies written for it alone',
    },
  ];

async function wordFile(services: Services, kind: Kind, req: Request): Promise<OfficeFile> {
  const pack = await packForRequest(services.pages, req);
  const id = String(req.params.id);
  if (kind === 'module') return await services.documents.moduleDocument(pack, id);
  if (kind === 'section') return await services.documents.sectionDocument(pack, id);
  return await services.documents.areaDocument(pack, id);
}

function send(res: Response, doc: OfficeFile): void {
  // the pack a person sees can change (a cohort moved to another version), so a download is never cached as theirs
  res.set('Cache-Control', 'private, no-store').type(DOCX_TYPE).attachment(doc.filename).send(doc.bytes);
}

export function documentRoutes(services: Services): Router {
  const router = Router();
  for (const { kind, path } of DOWNLOADS) {
    router.get(path, requireUser, async (req, res) => send(res, await wordFile(services, kind, req)));
  }
  return router;
}

export function documentApiRoutes(services: Services): ApiRouter {
  const api = new ApiRouter();
  for (const { kind, path, noun, operationId, summary } of DOWNLOADS) {
    api.route(
      {
        method: 'get',
        path,
        operationId,
        tag: 'pack',
        summary,
        description:
          'Headings in Word’s heading styles, lists, tables, live links, outcomes with their standards, questions with ' +
          'room to write, forms as printable tables, and references. The file’s properties name the pack, variant and ' +
          'version. With `?cohort=`, the pack of that cohort’s variant.',
        params: z.object({ id: strId(noun) }),
        query: packQuerySchema,
        ok: {
          200: {
            description: 'The Word document (.docx)',
            content: { [DOCX_TYPE]: { schema: z.string().meta({ contentMediaType: DOCX_TYPE }) } },
          },
        },
        answers: [403],
      },
      requireUser,
      async (req, res) => send(res, await wordFile(services, kind, req)),
    );
  }
  return api;
}
