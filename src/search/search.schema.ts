import { z } from 'zod';

/** `GET /search?q=` and `GET /api/v1/search?q=`: words to find (empty shows the form alone). */
export const searchQuerySchema = z.object({
  q: z
    .string('Search for one set of words')
    .trim()
    .max(100, 'Search text must be 100 characters or fewer')
    .optional()
    .default(''),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Text with the matched words marked: `[{ text, match }]` in order. */
const segmentsSchema = z.array(z.object({ text: z.string(), match: z.boolean() }));

/** `GET /api/v1/search`: modules of the pack the person sees, and (trainers and admins) the people they may see. */
export const searchResultsSchema = z.object({
  query: z.string(),
  modules: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      section: z.string(),
      url: z.string(),
      /** Where the words were found: the title, the text, an outcome or a prompt. */
      snippet: z.string(),
      snippetSegments: segmentsSchema,
      outcomes: z.array(z.object({ id: z.string(), text: z.string() })),
    }),
  ),
  learners: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      email: z.string(),
      role: z.enum(['learner', 'trainer', 'admin']),
      url: z.string(),
    }),
  ),
  /** How many people match in all (the list holds the first 20). */
  learnersTotal: z.number().int(),
});
export type SearchResultsJson = z.infer<typeof searchResultsSchema>;
