import { searchWords, stemPrefix } from './search-query';

describe('searchWords', () => {
  it('splits on anything that is not a letter or digit and lowercases', () => {
    expect(searchWords('Nuorten  olohuone, Hiltulanlahti!')).toEqual(['nuorten', 'olohuone', 'hiltulanlahti']);
  });

  it('keeps Finnish letters and drops tsquery operators', () => {
    expect(searchWords("kylä&talo | 'ikäihmiset':* !")).toEqual(['kylä', 'talo', 'ikäihmiset']);
  });

  it('removes duplicates and caps the number of words', () => {
    expect(searchWords('a a b c d e f g h i j')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('gives nothing for punctuation only', () => {
    expect(searchWords(' -- !! ')).toEqual([]);
  });
});

describe('stemPrefix', () => {
  it('drops the last letter of longer stems', () => {
    expect(stemPrefix('nuort')).toBe('nuor');
    expect(stemPrefix('yhteisöllisyyd')).toBe('yhteisöllisyy');
  });

  it('keeps short stems whole', () => {
    expect(stemPrefix('nuor')).toBe('nuor');
    expect(stemPrefix('kylä')).toBe('kylä');
  });
});
