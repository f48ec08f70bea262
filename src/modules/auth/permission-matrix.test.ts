import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/package-root';
import { renderPermissionMatrix } from './permission-matrix';

describe('the permission matrix in the README', () => {
  it('is the one the code and the tests use', () => {
    const readme = readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toContain(renderPermissionMatrix());
  });
});
