import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/package-root';
import { renderPermissionMatrix } from './permission-matrix';

describe('the permission matrix in docs/security.md', () => {
  it('is the one the code and the tests use', () => {
    const security = readFileSync(path.join(packageRoot, 'docs/security.md'), 'utf8');
    expect(security).toContain(renderPermissionMatrix());
  });
});
