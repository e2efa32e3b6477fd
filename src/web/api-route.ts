import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { guardOf, type GuardInfo } from './guards';
import type { ApiTag } from './openapi';

export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What an /api/v1 route promises, written beside it in its feature's routes file; the OpenAPI document is made of these. */
export interface ApiContract {
  method: ApiMethod;
  /** The Express path under /api/v1 (`/cohorts/:id/members`). */
  path: string;
  operationId: string;
  tag: ApiTag;
  summary: string;
  description?: string;
  /** The path parameters: a path with parameters names something that may not exist (404). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body: it can be unreadable, too large, in an unknown charset (400, 413, 415) or invalid (422). */
  body?: z.ZodType;
  /** Bodies in other media types (CSV, multipart), with the same statuses as a JSON body. */
  otherBodies?: Record<string, z.ZodType>;
  /** The success answer(s). */
  ok: Record<number, ResponseConfig>;
  /** Error statuses the route answers besides those its guard, its method and its inputs bring (409, 429 …). */
  answers?: number[];
}

/** A contract as registered: with the guard its route names. */
export interface ApiOperation extends ApiContract {
  guard: GuardInfo;
}

/** A JSON answer. */
export const jsonResponse = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

/** Integer path parameters (`:id`, `:userId` …) and string ones (`:moduleId` …). */
export const intId = (description: string) => z.number().int().positive().describe(description);
export const strId = (description: string) => z.string().min(1).describe(description);

/**
 * An Express router for part of the API whose routes are registered with their contracts: `route(contract, guard,
 * ...handlers)` adds the Express route (the guard first) and records the contract with the guard's statuses.
 */
export class ApiRouter {
  readonly router = Router();
  readonly operations: ApiOperation[] = [];

  route(contract: ApiContract, guard: RequestHandler, ...handlers: RequestHandler[]): this {
    const info = guardOf(guard);
    if (!info)
      throw new Error(`${contract.operationId}: the first handler must be a guard (src/web/guards.ts)`);
    this.router.route(contract.path)[contract.method](guard, ...handlers);
    this.operations.push({ ...contract, guard: info });
    return this;
  }

  /** Another part of the API, tried after this one's routes so far: its routes and their contracts. */
  mount(...others: ApiRouter[]): this {
    for (const other of others) {
      this.router.use(other.router);
      this.operations.push(...other.operations);
    }
    return this;
  }
}
