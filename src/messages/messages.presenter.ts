import type { z } from 'zod';
import type { MessageRecord } from './messages.repo';
import type { messageListSchema, messageSchema } from './messages.schema';

export function messageJson(m: MessageRecord): z.infer<typeof messageSchema> {
  return {
    id: m.id,
    messageId: m.messageId,
    kind: m.kind,
    to: m.to,
    subject: m.subject,
    status: m.status,
    transport: m.transport,
    attempts: m.attempts,
    reason: m.lastError,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
    failedAt: m.failedAt?.toISOString() ?? null,
    bodyKept: m.text !== null,
  };
}

export function messageListJson(list: {
  messages: MessageRecord[];
  total: number;
  page: number;
  transport: string;
}): z.infer<typeof messageListSchema> {
  return {
    messages: list.messages.map(messageJson),
    total: list.total,
    page: list.page,
    transport: list.transport,
  };
}
