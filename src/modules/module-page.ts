import crypto from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { Module, Pack } from '../content/types';
import { HtmlBuilder, sendInLayout } from '../web/render';
import { templateFor } from '../web/views';

/**
 * The module page, from views/modules/module.ejs alone. What every viewer of one kind (learner or not) sees of a module
 * in one pack version is the same, so the template is rendered once per (pack, module, kind of viewer) with its
 * per-request parts left as slots (`slot(view, data)` in the template, which writes a mark): the result is cut at the
 * marks into UTF-8 buffers and kept with the pack. A request renders only the slots' partials (the status tags, the
 * saved answers, the completion block, the CSRF field, the banner, the problems of a refused form), each with the
 * page's locals, and the pieces go out in one gathered write.
 */

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
  /** the page's bytes between the slots: one more than there are slots */
  pieces: Buffer[];
  slots: Slot[];
}

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
  learner: boolean,
  view: ModulePageView,
): Skeleton {
  let forPack = skeletons.get(pack);
  if (!forPack) {
    forPack = new Map();
    skeletons.set(pack, forPack);
  }
  const key = `${learner ? 'L' : 'O'}${mod.id}`;
  let skeleton = forPack.get(key);
  if (!skeleton) {
    skeleton = renderSkeleton(app, pack, mod, learner, view);
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
  learner: boolean,
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
    ...app.locals,
    pack,
    mod,
    learner,
    previous: view.previous,
    next: view.next,
    outcomes: view.outcomes.map(({ id, text, areaId, standard }) => ({ id, text, areaId, standard })),
    slot,
  });
  const parts = html.split(SLOT_MARK);
  if (parts.length !== slots.length + 1)
    throw new Error('modules/module: a slot was escaped or written twice (write it with <%- slot(…) %>)');
  return { pieces: parts.map((part) => Buffer.from(part)), slots };
}

/**
 * Sends the module page for these locals (the service's view of the module for this person, the page's title, and
 * for a refused form its problems and what was typed).
 */
export function sendModulePage(
  req: Request,
  res: Response,
  locals: { title: string; pack: Pack; mod: Module } & ModulePageView,
  status = 200,
): void {
  const app = req.app;
  const { pack, mod } = locals;
  const learner = req.user?.role === 'learner';
  const body = new HtmlBuilder();
  try {
    const { pieces, slots } = skeletonFor(app, pack, mod, learner, locals);
    const page = { ...app.locals, ...res.locals, ...locals };
    for (let i = 0; i < slots.length; i++) {
      body.bytes(pieces[i]);
      const { view, data } = slots[i];
      body.text(templateFor(app, view)(data ? { ...page, ...data } : page));
    }
    body.bytes(pieces[slots.length]);
  } catch (err) {
    req.next?.(err);
    return;
  }
  sendInLayout(req, res, locals, body, status);
}
