// Outbox errors, each with a code and whether retrying can help.
// Retryable: the outbox is full or the disk is. Permanent: another device's or another agent's outbox.
export type OutboxErrorCode = 'OUTBOX_FULL' | 'DISK_FULL' | 'WRONG_DEVICE' | 'IN_USE' | 'CLOSED' | 'STORAGE';

export class OutboxError extends Error {
  constructor(readonly code: OutboxErrorCode, message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboxError';
  }
}

/** True for SQLite's "database or disk is full" (SQLITE_FULL) and a file system's ENOSPC. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || /database or disk is full/i.test(String((err as Error | null)?.message));
}

/** The disk under the outbox is full: what a producer gets for a record that could not be kept. */
export function diskFullError(path: string, what: string, cause?: unknown): OutboxError {
  return new OutboxError('DISK_FULL', `${path}: disk full: ${what}; nothing already accepted was lost. Retry later; free disk space `
    + 'on that file system, or reconnect the hub so acknowledged records free their space.', true, { cause });
}

/** Turns a SQLite failure during a write into an error that says what to do. */
export function storageError(path: string, err: unknown): OutboxError {
  if (err instanceof OutboxError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (isDiskFull(err)) return diskFullError(path, 'the commit did not fit even after evicting bulk records and using the reserve', err);
  if (code === 'SQLITE_BUSY') {
    return new OutboxError('STORAGE', `${path}: outbox is locked by another process for too long (${code}); retry`, true, { cause: err });
  }
  return new OutboxError('STORAGE', `${path}: outbox write failed: ${(err as Error).message}`, false, { cause: err });
}
