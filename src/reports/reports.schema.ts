import { z } from 'zod';

/** `GET /cohorts/:id/raids?area=`: one learning area's part of each report; anything else shows whole reports. */
export const raidsQuerySchema = z.object({ area: z.string().optional().catch(undefined) });
