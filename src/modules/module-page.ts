import crypto from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { Module, Pack } from '../content/types';
import { HtmlBuilder, localsOf, sendInLayout } from '../web/render';
import { appViewLocals, templateFor, type Template } from '../web/views';

/**
 * The module page, from views/modules/module.ejs alone. What every viewer of one kind sees of a module in one pack
 * version is the same, so the template is rendered once per (pack, module, kind of viewer) with its per-request parts
 * left as slots (`slot(view, data)` in the template, which writes a mark): the result is cut at the marks into UTF-8
 * buffers and kept with the pack. A request renders only the slots' partials (the status tags, the saved answers, the
 * completion block, the CSRF field, the banner, the problems of a refused form), each with the page's locals, and the
 * pieces go out in one gathered write (docs/rendering.md).
 */

/**
 * The kinds of viewer: anyone but a learner; a learner; a learner shown a refused form (their problems change the
 * markup around each answer, so on that page a learner's whole prompt is a slot, where otherwise only its answer is).
 */
type Viewer = 'other' | 'learner' | 'problems';

/** What the page's service (`pages.modulePage`) gives for one viewer, with what the route adds. */
export interface ModulePageView {
  previous: Module | null;
  next: Module | null;
  outcomes: { id: string; text: string; areaId: string; standard: string | null; status: string }[];
  [key: string]: unknown;
}

/** A part of the page rendered for each request: a partial, with what the skeleton gave it. */
interface Slot {
  view: string;
  data: Record<string, unknown> | undefined;
}

interface Skeleton {
  /**
   * The page between the slots (one more than there are slots): as UTF-8 bytes, or kept as text when short, to be
   * joined with the slots around it (a write per short piece would cost more than encoding it again).
   */
  pieces: (Buffer | string)[];
  slots: Slot[];
}

/** Below this many characters a piece of the skeleton is kept as text (the white space between two slots). */
const SHORT_PIECE = 32;

/** Marks a slot in the rendered skeleton (random: no text of a pack can make one). */
const SLOT_MARK = `<!--slot-${crypto.randomUUID()}-->`;

/**
 * Skeletons by pack: a pack never changes once compiled (a new version of a variant is a new Pack), and a pack no
 * longer in use is collected with its skeletons.
 */
const skeletons = new WeakMap<Pack, Map<string, Skeleton>>();

function skeletonFor(
  app: Application,
  pack: Pack,
  mod: Module,
  viewer: Viewer,
  view: ModulePageView,
): Skeleton {
  let forPack = skeletons.get(pack);
  if (!forPack) {
    forPack = new Map();
    skeletons.set(pack, forPack);
  }
  const key = `${viewer}:${mod.id}`;
  let skeleton = forPack.get(key);
  if (!skeleton) {
    skeleton = renderSkeleton(app, pack, mod, viewer, view);
    forPack.set(key, skeleton);
  }
  return skeleton;
}

/**
 * Renders the template with only what is the same for every viewer of this kind: the outcomes without anyone's
 * status, the neighbouring modules (the pack's order). Nothing of this request's person can reach the skeleton.
 */
function renderSkeleton(
  app: Application,
  pack: Pack,
  mod: Module,
  viewer: Viewer,
  view: ModulePageView,
): Skeleton {
  const slots: Slot[] = [];
  const slot = (name: string, data?: Record<string, unknown>) => {
    slots.push({ view: name, data });
    return SLOT_MARK;
  };
  const html = templateFor(
    app,
    'modules/module',
  )({
    ...appViewLocals(app),
    pack,
    mod,
    learner: viewer !== 'other',
    problems: viewer === 'problems',
    previous: view.previous,
    next: view.next,
    outcomes: view.outcomes.map(({ id, text, areaId, standard }) => ({ id, text, areaId, standard })),
    slot,
  });
  const parts = html.split(SLOT_MARK);
  if (parts.length !== slots.length + 1)
    throw new Error('modules/module: a slot was escaped or written twice (write it with <%- slot(…) %>)');
  return { pieces: parts.map((part) => (part.length < SHORT_PIECE ? part : Buffer.from(part))), slots };
}

/**
 * Sends the module page for these locals (the service's view of the module for this person, the page's title, and
 * for a refused form its problems and what was typed).
 */
export function sendModulePage(
  req: Request,
  res: Response,
  locals: { title: string; pack: Pack; mod: Module; errors?: unknown[] } & ModulePageView,
  status = 200,
): void {
  const app = req.app;
  const { pack, mod } = locals;
  const viewer: Viewer =
    req.user?.role !== 'learner' ? 'other' : locals.errors?.length ? 'problems' : 'learner';
  const body = new HtmlBuilder();
  const page = localsOf(req, res, locals);
  try {
    const { pieces, slots } = skeletonFor(app, pack, mod, viewer, locals);
    for (let i = 0; i < slots.length; i++) {
      add(body, pieces[i]);
      const { view, data } = slots[i];
      const template = templateFor(app, view);
      body.text(data ? renderWithData(template, page, data) : template(page));
    }
    add(body, pieces[slots.length]);
  } catch (err) {
    req.next?.(err);
    return;
  }
  sendInLayout(req, res, page, body, status);
}

function add(body: HtmlBuilder, piece: Buffer | string): void {
  if (typeof piece === 'string') body.text(piece);
  else body.bytes(piece);
}

/**
 * Renders a slot's partial with the page's locals and the slot's data over them. A view that includes others gets a
 * copy (an include is given only its includer's own properties). One that includes none is rendered on the page's own
 * object with the data set on it for the render and put back after: a copy of the page's locals per slot, or a
 * per-request object as a prototype (which V8 turns into a slow prototype map each time), would cost more than the
 * partial itself. A name the page did not have is put back as `undefined`, which a view reads as it would an absent one.
 */
function renderWithData(
  template: Template,
  page: Record<string, unknown>,
  data: Record<string, unknown>,
): string {
  if (template.includes !== false) return template({ ...page, ...data });
  const keys = Object.keys(data);
  const before = keys.map((key) => page[key]);
  for (const key of keys) page[key] = data[key];
  try {
    return template(page);
  } finally {
    keys.forEach((key, i) => (page[key] = before[i]));
  }
}
