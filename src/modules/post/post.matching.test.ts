import { otherSide, scoreMatch } from './post.matching';
import { PostKind } from './post.enums';
import { validatePostFields } from './post.validation';

describe('scoreMatch', () => {
  const none = { postThemes: 2, sharedThemes: [], sharedPostalCodes: [], sharedMunicipalities: [], projectsTogether: 0 };

  it('weighs themes, area and cooperation to 0–1, with reasons', () => {
    expect(scoreMatch(none, 'A ry')).toEqual({ score: 0, reasons: [] });
    expect(scoreMatch({ ...none, sharedThemes: ['X'] }, 'A ry').score).toBe(0.25);
    expect(scoreMatch({ ...none, sharedMunicipalities: ['Kuopio'] }, 'A ry')).toEqual({ score: 0.15, reasons: ['works in the same municipality: Kuopio'] });
    expect(scoreMatch({ postThemes: 1, sharedThemes: ['X'], sharedPostalCodes: ['70100'], sharedMunicipalities: ['Kuopio'], projectsTogether: 3 }, 'A ry')).toEqual({
      score: 1,
      reasons: ['shared themes: X', 'works in the same postal areas: 70100', '3 projects together with A ry'],
    });
  });

  it('finds the other side of the divide', () => {
    expect(otherSide(['KAKE'])).toEqual(['LEADER']);
    expect(otherSide(['LEADER', 'OTHER'])).toEqual(['KAKE']);
    expect(otherSide([])).toEqual(['KAKE', 'LEADER']);
    expect(otherSide(['KAKE', 'LEADER'])).toEqual(['KAKE', 'LEADER']);
  });
});

describe('validatePostFields', () => {
  const codes = (kind: PostKind, input: object, current: object | null = null) =>
    validatePostFields(kind, { title: 'T', body: 'B', ...input }, current).errors.map((error) => `${error.field}:${error.code}`);

  it('checks an update as the post will be after it', () => {
    expect(codes(PostKind.CALL, { closesOn: '2030-01-01' }, { opensOn: '2030-02-01', closesOn: '2030-03-01', eligibleApplicants: 'x' })).toEqual(['input.closesOn:END_BEFORE_START']);
    expect(codes(PostKind.PARTNER_SEARCH, { partnerSought: null }, { partnerSought: 'x', closesOn: '2030-01-01' })).toEqual(['input.partnerSought:REQUIRED']);
    expect(codes(PostKind.NEWS, {}, {})).toEqual([]);
  });

  it('refuses fields of another kind and bad links', () => {
    expect(codes(PostKind.EVENT, { startsAt: new Date(), outcomes: 'x' })).toEqual(['input.outcomes:INVALID_VALUE']);
    expect(codes(PostKind.RESULT, { outcomes: 'x', links: ['javascript:alert(1)'] })).toEqual(['input.links[0]:INVALID_URL']);
  });
});
