// Outbox errors, each with a code and whether retrying can help.
// Retryable: the outbox is full or the disk is. Permanent: the database belongs to another device.
export class OutboxError extends Error {
  constructor(readonly code: 'OUTBOX_FULL' | 'DISK_FULL' | 'WRONG_DEVICE' | 'CLOSED' | 'STORAGE', message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboxError';
  }
}

/** Turns a SQLite failure during a write into an error that says what to do. */
export function storageError(path: string, err: unknown): OutboxError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL' || /database or disk is full/i.test(String((err as Error).message))) {
    return new OutboxError('DISK_FULL', `${path}: disk full while committing to the outbox; nothing already accepted was lost. Free disk space or lower outbox.quota_bytes.`, true, { cause: err });
  }
  if (code === 'SQLITE_BUSY') {
    return new OutboxError('STORAGE', `${path}: outbox is locked by another process for too long (${code}); retry`, true, { cause: err });
  }
  return new OutboxError('STORAGE', `${path}: outbox write failed: ${(err as Error).message}`, false, { cause: err });
}
