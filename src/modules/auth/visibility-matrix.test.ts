import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/package-root';
import { ProjectStatus } from '../project/project.enums';
import { renderVisibilityMatrix, VISIBILITY_MATRIX } from './visibility-matrix';

describe('the visibility matrix', () => {
  it('is the table in docs/security.md', () => {
    expect(readFileSync(path.join(packageRoot, 'docs/security.md'), 'utf8')).toContain(renderVisibilityMatrix());
  });

  it('hides only drafts and rejected projects, and only from people outside the project', () => {
    for (const status of Object.values(ProjectStatus)) {
      const hidden = status === ProjectStatus.DRAFT || status === ProjectStatus.REJECTED;
      expect(VISIBILITY_MATRIX[status].ANONYMOUS).toBe(!hidden);
      expect(VISIBILITY_MATRIX[status].OTHER_PARTNER).toBe(!hidden);
      expect(VISIBILITY_MATRIX[status].OTHER_COORDINATOR).toBe(!hidden);
      expect(VISIBILITY_MATRIX[status].LEAD && VISIBILITY_MATRIX[status].COORDINATOR && VISIBILITY_MATRIX[status].ANALYST).toBe(true);
    }
  });
});
