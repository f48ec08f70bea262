import { contentWords, cosine, foldText, sharedWords, textGrams, textProfile, textSimilarity, textVector, VectorPool, wordGrams, type TextStatistics } from './text-similarity';

const similarity = (a: string, b: string, stats: TextStatistics | null = null) => textSimilarity(textProfile({ title: a }, stats), textProfile({ title: b }, stats)).score;

describe('Finnish text normalisation', () => {
  it.each([
    ['Kylätalo', 'kylatalo'],
    ['ÖLJYNVAIHTO', 'oljynvaihto'],
    ['Allsång på Väinölänniemi', 'allsang pa vainolanniemi'],
    ['ﬁlosoﬁa', 'filosofia'], // ligatures (NFKC)
    ['Café', 'cafe'],
  ])('folds %s to %s', (input, folded) => {
    expect(foldText(input)).toBe(folded);
  });

  it('keeps content words only: stop words, numbers, punctuation and single letters go', () => {
    expect(contentWords('Hanke ja sen 3 tavoitetta: nuoret, kylät & yhteisö – myös 🌱 s')).toEqual(['hanke', 'tavoitetta', 'nuoret', 'kylat', 'yhteiso']);
  });

  it('makes boundary-marked 4-grams of a word', () => {
    expect(wordGrams('työ')).toEqual(['_työ', 'työ_']);
    expect(wordGrams('nuor')).toEqual(['_nuo', 'nuor', 'uor_']);
    expect(wordGrams('ja')).toEqual(['_ja_']);
  });
});

describe('TEXT_SIMILARITY on Finnish text', () => {
  // [a, b, at least, at most]
  it.each<[string, string, number, number]>([
    ['Kylätalo', 'Kylatalo', 0.999, 1], // diacritics folded
    ['kylätalo', 'KYLÄTALO', 0.999, 1], // case
    ['nuoret', 'nuorille', 0.3, 0.8], // inflection: Snowball gives "nuore" and "nuor"
    ['nuorten', 'nuorille', 0.3, 0.8],
    ['yhteisöllisyys', 'yhteisöllisyyttä', 0.6, 1],
    ['nuorisotyö', 'nuorten työ', 0.25, 0.8], // compound vs its parts
    ['kierrätysverstas', 'kierrätysverstaalla', 0.6, 1],
    ['Nuorten olohuone Hiltulanlahdessa', 'Nuorten kohtaamispaikka Hiltulanlahti', 0.4, 0.9],
    ['Kylätalojen digituki ikäihmisille', 'Ikäihmisten digitukea kylätaloilla', 0.5, 1], // reordered and inflected
    ['nuorisotyö', 'vanhustyö', 0, 0.2], // same head word, other work
    ['Kierrätysverstas työllistää', 'Lähiruokatori Petosella', 0, 0.05],
    ['Ikäihmisten digituki kaupunginosissa', 'Lasten liikuntakerho', 0, 0.15],
  ])('%s ~ %s', (a, b, min, max) => {
    const score = similarity(a, b);
    expect(score).toBeGreaterThanOrEqual(min);
    expect(score).toBeLessThanOrEqual(max);
    expect(similarity(b, a)).toBeCloseTo(score, 6);
  });

  it('gives identical texts 1 and empty texts 0', () => {
    expect(similarity('Lähiruokaa ja kotitalousneuvontaa kylille', 'Lähiruokaa ja kotitalousneuvontaa kylille')).toBeCloseTo(1, 6);
    expect(similarity('', '')).toBe(0);
    expect(similarity('ja ja', 'ja')).toBe(0);
  });

  it('weights rare words above common ones', () => {
    // "hanke" is in every document, "kierrätys" in one of a hundred.
    const frequencies = new Map<string, number>();
    for (const gram of textGrams('hanke kehittää').keys()) frequencies.set(gram, 100);
    for (const gram of textGrams('kierrätys').keys()) frequencies.set(gram, 1);
    const stats: TextStatistics = { documents: 100, frequency: (gram) => frequencies.get(gram) ?? 1 };
    const common = similarity('hanke kehittää kierrätys', 'hanke kehittää lähiruoka', stats);
    const rare = similarity('hanke kehittää kierrätys', 'kierrätys torilla', stats);
    expect(rare).toBeGreaterThan(common);
    expect(common).toBeLessThan(similarity('hanke kehittää kierrätys', 'hanke kehittää lähiruoka'));
  });

  it('keeps vectors unit-length and bounded', () => {
    const long = Array.from({ length: 400 }, (_, i) => `sana${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`).join(' ');
    const vector = textVector(textGrams(long), null, 160);
    expect(vector.to - vector.from).toBeLessThanOrEqual(160);
    expect(cosine(vector, vector)).toBeCloseTo(1, 5);
    for (let i = vector.from + 1; i < vector.to; i++) expect(vector.keys[i]).toBeGreaterThan(vector.keys[i - 1]);
    // Pooled, the same vector is a range of a shared buffer and compares the same.
    const pool = new VectorPool(100);
    const other = textVector(textGrams('kylätalo kunnostetaan'), null);
    const [pooledA, pooledB] = [pool.add(other), pool.add(vector)];
    expect(pooledB.keys).not.toBe(pooledA.keys); // did not fit: a new chunk
    expect(cosine(pooledB, vector)).toBeCloseTo(1, 5);
    expect(cosine(pooledA, other)).toBeCloseTo(1, 5);
  });

  it('names the shared words for the evidence, in the first text’s spelling', () => {
    expect(sharedWords('Nuorten olohuone Hiltulanlahdessa', 'Nuoret ja kohtaamispaikka Hiltulanlahti', null)).toEqual(['hiltulanlahdessa', 'nuorten']);
    expect(sharedWords('nuorten työ', 'nuorisotyö', null)).toEqual(['nuorten', 'työ']);
    expect(sharedWords('Kylätalo', 'kylatalon remontti', null)).toEqual(['kylätalo']);
    expect(sharedWords('Lähiruokatori', 'Kierrätysverstas', null)).toEqual([]);
  });
});
