import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../compose';
import { packQuerySchema } from '../modules/modules.schema';
import { ApiRouter, strId } from '../web/api-route';
import { requireUser } from '../web/guards';
import { packForRequest } from '../web/pack-choice';
import type { OfficeFile } from './documents.service';

const PPTX_TYPE = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

// A deck as PowerPoint, for anyone who may see the deck: the same pack as the deck's page (a learner's cohort's
// variant, a `?cohort=` variant, an admin's preview), so what a cohort sees is what its trainer downloads.

function sendFile(res: Response, file: OfficeFile): void {
  // the name is the module's id, a slug: safe as it is, quoted as the issue asks
  res
    .set({ 'Cache-Control': 'private', 'Content-Disposition': `attachment; filename="${file.filename}"` })
    .type(PPTX_TYPE)
    .send(file.bytes);
}

async function deckFile(services: Services, req: Request): Promise<OfficeFile> {
  return await services.documents.deckPresentation(
    await packForRequest(services.pages, req),
    String(req.params.id),
  );
}

export function deckExportRoutes(services: Services): Router {
  const router = Router();
  router.get('/modules/:id/slides.pptx', requireUser, async (req, res) => {
    sendFile(res, await deckFile(services, req));
  });
  return router;
}

export function deckExportApiRoutes(services: Services): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/modules/:id/slides.pptx',
      operationId: 'getDeckPptx',
      tag: 'pack',
      summary: 'A slide deck of the pack you see as a PowerPoint file (a cohort’s variant with `?cohort=`)',
      description:
        'One slide per slide of the deck, each with its title in the title placeholder and its speaker notes in ' +
        'the notes pane; the pack, variant and version in the file’s properties. A module that is not a deck is 404.',
      params: z.object({ id: strId('The deck’s module id') }),
      query: packQuerySchema,
      ok: {
        200: {
          description: 'The deck as a .pptx file (sent as an attachment named after the module id)',
          content: {
            [PPTX_TYPE]: { schema: z.string().meta({ contentMediaType: PPTX_TYPE, format: 'binary' }) },
          },
        },
      },
      answers: [403],
    },
    requireUser,
    async (req, res) => {
      sendFile(res, await deckFile(services, req));
    },
  );
}
