import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ADMIN_PERMISSIONS, type ImportRequest } from '../../src/modules/exchange/import.service';
import { packageRoot } from '../../src/shared/package-root';

/** A file of `test/fixtures/import/`. */
export const importFixture = (name: string): string => path.join(packageRoot, 'test/fixtures/import', name);

/** An import of a file as `silta import` makes it (an admin's rights, a system actor), with options. */
export function importRequest(file: string, options: Partial<ImportRequest> = {}): ImportRequest {
  return {
    open: () => createReadStream(file),
    fileName: path.basename(file),
    dryRun: false,
    skipInvalid: false,
    actor: { accountId: null, accountName: 'silta import (test)', tokenId: null, requestId: 'import-test', clientRequestId: null, operation: 'import' },
    permissions: ADMIN_PERMISSIONS,
    ...options,
  };
}
